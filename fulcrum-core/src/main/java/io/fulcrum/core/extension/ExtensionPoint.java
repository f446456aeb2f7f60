package io.fulcrum.core.extension;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface extending {@link ExtensionFactory} as one kind of extension,
 * the service type its factories are registered under in {@code META-INF/services}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ExtensionPoint {

    /** What one extension of this kind is called in messages, e.g. {@code "balancing algorithm"}. */
    String value();
}

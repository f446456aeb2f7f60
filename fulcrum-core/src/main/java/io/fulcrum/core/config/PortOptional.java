package io.fulcrum.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link HostPort} component whose port may be left out; it is then bound with
 * port 0 (see {@link HostPort#parsePortOptional(String)}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface PortOptional {
}

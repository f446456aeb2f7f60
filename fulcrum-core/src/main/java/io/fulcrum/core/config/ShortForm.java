package io.fulcrum.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration record that may also be written as a plain value: the value is
 * bound as the record's first component and every other component takes its default
 * (a site VIP written {@code "192.0.2.10"} instead of {@code {address: 192.0.2.10}}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ShortForm {
}

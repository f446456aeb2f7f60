package io.fulcrum.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration record component that must always be written: the configuration
 * validator refuses the record without it ({@code required: ...}). Read by the JSON Schema
 * generator, so that editors flag the missing field too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Required {
}

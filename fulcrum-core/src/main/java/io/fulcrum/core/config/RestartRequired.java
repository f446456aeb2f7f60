package io.fulcrum.core.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a configuration field that is read once, when the process starts (event-loop
 * threads, socket transport…): a reload that changes it keeps the value the process
 * started with and names the field with a warning that it needs a restart.
 *
 * <p>Every other field is applied live. The reload diff reads this annotation from the
 * record components, so a field added later is live unless it is marked here.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface RestartRequired {
}

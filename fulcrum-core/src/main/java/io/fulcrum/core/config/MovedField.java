package io.fulcrum.core.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a field that this configuration record no longer has because it moved elsewhere:
 * a file that still writes it is refused with a message saying where it went, instead of
 * a bare "unknown field".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MovedField {

    /** The field's old name in this record. */
    String name();

    /** Where it is written now, as the error message says it (e.g. {@code "the top-level sites: list"}). */
    String movedTo();
}

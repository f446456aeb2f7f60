package io.fulcrum.core.config;

/**
 * A page of the operator's own served instead of Fulcrum's built-in body when the listener
 * answers with {@code status} itself (HAProxy's {@code errorfile}): 502, 503, 504, 404, 400...
 * The file is read when the configuration is compiled (start, validate, every reload), so an
 * edited page is served after the next reload and a missing one is refused naming this field.
 *
 * @param status      the status whose body this is, 400..599
 * @param file        the body, served as it is
 * @param contentType its {@code Content-Type}; by default from the file's extension
 *                    ({@code .html}, {@code .json}, {@code .txt}, {@code .xml})
 */
public record ErrorPageConfig(Integer status, String file, String contentType) {
}

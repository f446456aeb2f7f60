package io.fulcrum.core.config;

/**
 * Size and count limits of a listener.
 *
 * @param maxRequestLineBytes longest request line (414 beyond; Fulcrum answers 400 for a malformed one)
 * @param maxHeaderBytes      largest header section (431 beyond)
 * @param maxBodyBytes        largest request body; 0 = unlimited (413 beyond)
 * @param maxConnections      most concurrent client connections; 0 = unlimited (new ones are closed at once)
 */
public record LimitsConfig(Integer maxRequestLineBytes, Integer maxHeaderBytes, Long maxBodyBytes, Integer maxConnections) {

    public LimitsConfig {
        maxRequestLineBytes = maxRequestLineBytes == null ? 8192 : maxRequestLineBytes;
        maxHeaderBytes = maxHeaderBytes == null ? 16384 : maxHeaderBytes;
        maxBodyBytes = maxBodyBytes == null ? 0L : maxBodyBytes;
        maxConnections = maxConnections == null ? 0 : maxConnections;
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(null, null, null, null);
    }
}

package io.fulcrum.core.config;

/**
 * Access-log records sent to a syslog daemon as RFC 5424 messages, one datagram each, the
 * way HAProxy's {@code log ... format rfc5424} sends them.
 *
 * @param address   {@code udp://host:port} (port 514 if left out) or {@code unix:/dev/log} (a Unix datagram socket)
 * @param facility  {@code kern}, {@code user}, ... {@code local0} .. {@code local7}; default {@code local0}
 * @param severity  {@code emerg} .. {@code debug}; default {@code info}
 * @param appName   the APP-NAME field; default {@code fulcrum}
 * @param hostname  the HOSTNAME field; default this machine's host name
 * @param msgId     the MSGID field; default {@code access}
 * @param maxLength the largest message in bytes (a longer one is cut), 480..65000; default 2048
 */
public record SyslogConfig(String address, String facility, String severity, String appName, String hostname,
                           String msgId, Integer maxLength) {

    /** Facility names in code order (RFC 5424 table 1, as syslog daemons and HAProxy spell them). */
    public static final java.util.List<String> FACILITIES = java.util.List.of("kern", "user", "mail", "daemon", "auth",
            "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0",
            "local1", "local2", "local3", "local4", "local5", "local6", "local7");
    /** Severity names in code order (RFC 5424 table 2). */
    public static final java.util.List<String> SEVERITIES = java.util.List.of("emerg", "alert", "crit", "err",
            "warning", "notice", "info", "debug");

    public SyslogConfig {
        facility = facility == null ? "local0" : facility;
        severity = severity == null ? "info" : severity;
        appName = appName == null ? "fulcrum" : appName;
        msgId = msgId == null ? "access" : msgId;
        maxLength = maxLength == null ? 2048 : maxLength;
    }
}

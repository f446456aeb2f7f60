package io.fulcrum.control.config;

import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.AccessLogField;
import io.fulcrum.core.config.AccessLogTemplate;
import io.fulcrum.core.config.ErrorPageConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RequestIdConfig;
import io.fulcrum.core.config.SyslogConfig;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The checks of what a request leaves behind and what a client is shown: the access log's format
 * and syslog output, a listener's request id and its error pages. Each problem is reported with
 * the path of its field, as {@link ConfigValidator} reports the rest. The error pages' files are
 * read when the configuration is compiled (a missing one is refused there, naming the field).
 */
final class LoggingConfigValidator {

    private LoggingConfigValidator() {
    }

    static void checkAccessLog(AccessLogConfig a, String p, BiConsumer<String, String> error) {
        try {
            AccessLogTemplate.parse(a.template());
        } catch (IllegalArgumentException e) {
            error.accept(SourceMap.field(p, "template"), e.getMessage());
        }
        String fieldsPath = SourceMap.field(p, "fields");
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < a.fields().size(); i++) {
            String fp = SourceMap.index(fieldsPath, i);
            String name = a.fields().get(i);
            if (name == null || AccessLogField.byName(name) == null) {
                error.accept(fp, "unknown field \"" + name + "\"; known: " + AccessLogTemplate.knownNames()
                        + Suggestions.didYouMean(name, names()));
            } else if (seen.putIfAbsent(name, fp) != null) {
                error.accept(fp, "field " + name + " is listed twice (also at " + seen.get(name) + ")");
            }
        }
        if (a.syslog() != null) {
            if (!"stdout".equals(a.path())) {
                error.accept(SourceMap.field(p, "path"), "give either path or syslog: with syslog the records "
                        + "go only there");
            }
            checkSyslog(a.syslog(), SourceMap.field(p, "syslog"), error);
        }
    }

    private static TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (AccessLogField f : AccessLogField.values()) {
            names.add(f.fieldName());
        }
        return names;
    }

    private static void checkSyslog(SyslogConfig s, String p, BiConsumer<String, String> error) {
        String addressPath = SourceMap.field(p, "address");
        String problem = addressProblem(s.address());
        if (problem != null) {
            error.accept(addressPath, problem);
        }
        if (!SyslogConfig.FACILITIES.contains(s.facility())) {
            error.accept(SourceMap.field(p, "facility"), "must be one of " + String.join(", ", SyslogConfig.FACILITIES)
                    + " (got \"" + s.facility() + "\")");
        }
        if (!SyslogConfig.SEVERITIES.contains(s.severity())) {
            error.accept(SourceMap.field(p, "severity"), "must be one of " + String.join(", ", SyslogConfig.SEVERITIES)
                    + " (got \"" + s.severity() + "\")");
        }
        if (s.maxLength() < 480 || s.maxLength() > 65000) {
            error.accept(SourceMap.field(p, "maxLength"), "must be between 480 and 65000 (got " + s.maxLength()
                    + "); RFC 5424 receivers take at least 480 bytes");
        }
    }

    /** What is wrong with a syslog address, or null. */
    static String addressProblem(String address) {
        String example = "; write udp://host:port (e.g. udp://127.0.0.1:514) or unix:/dev/log";
        if (address == null || address.isBlank()) {
            return "required: where syslog listens" + example;
        }
        if (address.startsWith("unix:")) {
            return address.length() > "unix:".length() ? null : "unix: needs a socket path" + example;
        }
        if (address.startsWith("udp://")) {
            try {
                URI uri = new URI(address);
                if (uri.getHost() == null) {
                    return "no host in \"" + address + "\"" + example;
                }
                if (uri.getPort() == 0 || uri.getPort() > 65535) {
                    return "the port must be between 1 and 65535 (got " + uri.getPort() + ")";
                }
                return null;
            } catch (java.net.URISyntaxException e) {
                return "not an address: " + e.getMessage() + example;
            }
        }
        return "unknown address \"" + address + "\"" + example;
    }

    /** A listener's request id header and its error pages (their statuses; the files are read at compile). */
    static void checkListener(ListenerConfig l, String p, BiConsumer<String, String> error) {
        RequestIdConfig id = l.forwarded().requestId();
        String headerPath = SourceMap.field(SourceMap.field(SourceMap.field(p, "forwarded"), "requestId"), "header");
        if (id.header().isEmpty() || !id.header().chars().allMatch(LoggingConfigValidator::tokenChar)) {
            error.accept(headerPath, "not a header name (letters, digits and !#$%&'*+-.^_`|~): \"" + id.header()
                    + "\"");
        }
        String pagesPath = SourceMap.field(p, "errorPages");
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; i < l.errorPages().size(); i++) {
            String pp = SourceMap.index(pagesPath, i);
            ErrorPageConfig page = l.errorPages().get(i);
            if (page == null) {
                error.accept(pp, "required: status and file");
                continue;
            }
            if (page.status() == null) {
                error.accept(SourceMap.field(pp, "status"), "required: the status this page is for, e.g. 503");
            } else if (page.status() < 400 || page.status() > 599) {
                error.accept(SourceMap.field(pp, "status"), "must be between 400 and 599 (got " + page.status()
                        + "): Fulcrum's own answers are errors");
            } else if (seen.putIfAbsent(page.status(), pp) != null) {
                error.accept(SourceMap.field(pp, "status"), "status " + page.status() + " has a page already (at "
                        + seen.get(page.status()) + ")");
            }
            if (page.file() == null || page.file().isBlank()) {
                error.accept(SourceMap.field(pp, "file"), "required: the file served as the body");
            }
            if (page.contentType() != null && page.contentType().isBlank()) {
                error.accept(SourceMap.field(pp, "contentType"), "must not be empty; leave it out to take the "
                        + "type from the file's extension");
            }
        }
    }

    private static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}

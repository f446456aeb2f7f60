package io.fulcrum.admin.api;

/**
 * The columns of the stats table, in order: the same for its JSON ({@code GET /api/v1/stats/table}),
 * its CSV ({@code GET /api/v1/stats.csv}, {@code /stats;csv}), the server-rendered page
 * ({@code /stats}) and the dashboard's table. Modelled on HAProxy's stats page: one row per
 * listener, per pool (HAProxy's "backend" row) and per backend (HAProxy's "server").
 * A cell that does not apply to a row's kind is empty (JSON {@code null}).
 */
public enum StatsColumn {

    KIND("kind", "Kind", "listener, virtual-service (L4), pool or backend"),
    POOL("pool", "Pool", "the pool of a pool or backend row"),
    NAME("name", "Name", "the listener's, pool's or backend's name"),
    ADDRESS("address", "Address", "where a listener is bound, where a backend is reached"),
    STATUS("status", "Status", "listener: open; pool: up or down; backend: up, down, ejected, draining, drained, disabled or backup"),
    REASON("reason", "Why", "why a pool or backend is not up (failed check, ejection, operator, configuration)"),
    SESSIONS_CURRENT("sessions_current", "Cur",
            "listener: client connections open; virtual service: flows open; backend: requests and flows in flight; pool: their sum"),
    SESSIONS_MAX("sessions_max", "Max", "the most at once since start (listener connections, backend requests)"),
    SESSIONS_LIMIT("sessions_limit", "Limit", "listener limits.maxConnections, backend maxConnections (empty: none)"),
    SESSIONS_TOTAL("sessions_total", "Total",
            "listener: connections accepted; virtual service: flows since start; backend: requests and flows sent to it; pool: their sum"),
    REFUSED("refused", "Refused", "listener: connections refused at its connection limit"),
    QUEUE_CURRENT("queue_current", "Queue", "pool: requests waiting for a backend slot"),
    QUEUE_MAX("queue_max", "Queue max", "pool: the most requests that waited at once"),
    QUEUE_LIMIT("queue_limit", "Queue limit", "pool: queue.size"),
    REQUESTS("requests", "Requests", "requests finished (listener: all; backend: those it served last; pool: their sum)"),
    BYTES_IN("bytes_in", "Bytes in", "request body bytes received from clients"),
    BYTES_OUT("bytes_out", "Bytes out", "response body bytes sent to clients"),
    HTTP_1XX("http_1xx", "1xx", "requests answered 1xx"),
    HTTP_2XX("http_2xx", "2xx", "requests answered 2xx"),
    HTTP_3XX("http_3xx", "3xx", "requests answered 3xx"),
    HTTP_4XX("http_4xx", "4xx", "requests answered 4xx (499: the client went away first)"),
    HTTP_5XX("http_5xx", "5xx", "requests answered 5xx"),
    HTTP_OTHER("http_other", "Other", "requests that ended with no status"),
    ERRORS("errors", "Errors", "listener: requests the proxy ended with an error of its own; backend: failed attempts "
            + "(connect errors, resets, timeouts, invalid responses, 5xx counted by passive health); pool: their sum"),
    RETRIES("retries", "Retries", "backend: failed attempts at it that were retried on another backend; pool: their sum"),
    REDISPATCHES("redispatches", "Redisp", "backend: sticky requests bound to it that went to another backend; pool: their sum"),
    CHECK("check", "Check", "the last active check: its type and ok or failed"),
    CHECK_DETAIL("check_detail", "Check detail", "what the last check saw, or why it failed"),
    CHECK_MILLIS("check_ms", "Check ms", "how long the last check took"),
    LAST_CHANGE_SECONDS("last_change_s", "Last change s", "seconds since the backend's state last changed (or since start)"),
    DOWNTIME_SECONDS("downtime_s", "Downtime s", "seconds the backend has been down in all (failed checks), since start"),
    DOWN_TRANSITIONS("downs", "Downs", "how many times the backend went down"),
    WEIGHT("weight", "Weight", "the weight the balancer uses now (pool: the sum over its backends)"),
    WEIGHT_ORIGIN("weight_origin", "Weight origin", "config, fixed, adaptive, controller, slow-start, schedule, hold or operator"),
    WEIGHT_CONFIGURED("weight_configured", "Configured weight", "the configured weight");

    private final String key;
    private final String header;
    private final String help;

    StatsColumn(String key, String header, String help) {
        this.key = key;
        this.header = header;
        this.help = help;
    }

    /** The name in JSON and the CSV header, like {@code sessions_current}. */
    public String key() {
        return key;
    }

    /** The short heading of the HTML tables. */
    public String header() {
        return header;
    }

    /** What it counts (the {@code title} of the heading, and docs/admin.md). */
    public String help() {
        return help;
    }
}

package io.fulcrum.testsupport;

/**
 * The parts of a Fulcrum configuration file that many tests write the same way, as YAML
 * text at the top level of the file. A test concatenates them with the sections it is
 * about, so what it tests stays written out in the test itself.
 */
public final class ConfigYaml {

    private ConfigYaml() {
    }

    /** An admin API token: its name, its role ({@code admin} or {@code read}) and its secret. */
    public record Token(String name, String role, String secret) {
    }

    /** A node that stops quickly and writes no access log (the {@code server} and {@code accessLog} sections). */
    public static String quietNode() {
        return """
                server:
                  shutdownGrace: 200ms
                accessLog:
                  enabled: false
                """;
    }

    /**
     * The {@code listeners} section: listener {@code web} on 127.0.0.1:{@code port} with one
     * route, {@code all}, sending every request to {@code pool}.
     */
    public static String webListener(int port, String pool) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: all
                        pool: %s
                """.formatted(port, pool);
    }

    /** The {@code admin} section: the API on 127.0.0.1 at a port of the kernel's choosing, with these tokens. */
    public static String admin(Token... tokens) {
        return admin("", tokens);
    }

    /**
     * The same with more fields of the admin section.
     *
     * @param fields YAML lines indented by two spaces, like {@code "  maxConnections: 3\n"}
     */
    public static String admin(String fields, Token... tokens) {
        StringBuilder y = new StringBuilder("admin:\n  bind: 127.0.0.1:0\n").append(fields).append("  tokens:\n");
        for (Token t : tokens) {
            y.append("    - name: ").append(t.name()).append('\n')
                    .append("      role: ").append(t.role()).append('\n')
                    .append("      token: ").append(t.secret()).append('\n');
        }
        return y.toString();
    }
}

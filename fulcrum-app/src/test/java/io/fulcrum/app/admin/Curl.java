package io.fulcrum.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API as an operator reads it: one {@code curl} run per request, with the bearer
 * token in a header. Gives the status, the content type and the body.
 */
record Curl(int status, String contentType, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code curl -sS} of {@code url}, with {@code Authorization: Bearer token} when a token is given. */
    static Curl get(URI url, String token) throws IOException, InterruptedException {
        Path out = Files.createTempFile("fulcrum-curl-", ".body");
        try {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-o", out.toString(),
                    "-w", "%{http_code} %{content_type}"));
            if (token != null) {
                cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
            }
            cmd.add(url.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String written = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("curl finished").isTrue();
            assertThat(p.exitValue()).as("curl exit status; output: %s", written).isZero();
            int space = written.indexOf(' ');
            return new Curl(Integer.parseInt(space < 0 ? written : written.substring(0, space)),
                    space < 0 ? "" : written.substring(space + 1), Files.readAllBytes(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The body as JSON, after checking the status is 200. */
    JsonNode json() throws IOException {
        assertThat(status).as("HTTP status; body: %s", new String(body, StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(body);
    }
}

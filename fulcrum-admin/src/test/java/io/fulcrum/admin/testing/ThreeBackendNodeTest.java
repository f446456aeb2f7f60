package io.fulcrum.admin.testing;

import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the admin API tests share: before each test a node runs {@link AdminFixture}'s
 * configuration over three real backends ({@code alpha}, {@code beta}, {@code gamma}); after
 * it everything is closed. A test may close {@link #node} and start another on {@link #file}.
 */
public abstract class ThreeBackendNodeTest {

    @TempDir
    protected Path dir;

    protected final List<NamedBackend> backends = new ArrayList<>();
    protected final Http http = new Http();
    /** The configuration file the node was started on. */
    protected Path file;
    protected TestNode node;

    @BeforeEach
    void startNode() throws Exception {
        for (String n : List.of("alpha", "beta", "gamma")) {
            backends.add(NamedBackend.start(n));
        }
        file = AdminFixture.write(dir, backends);
        node = TestNode.start(file);
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
        backends.forEach(NamedBackend::close);
        http.close();
    }

    /** An admin API URL: {@code api("backends")} is {@code /api/v1/backends}. */
    protected URI api(String path) {
        return node.adminUri().resolve("api/v1/" + path);
    }

    /** The bodies of {@code n} requests for {@code path} through the proxy listener {@code web}. */
    protected List<String> traffic(String path, int n) throws Exception {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(http.get(node.proxyUri("web").resolve(path)));
        }
        return answers;
    }
}

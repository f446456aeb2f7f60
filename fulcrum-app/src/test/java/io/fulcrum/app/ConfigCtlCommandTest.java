package io.fulcrum.app;

import io.fulcrum.testsupport.EtcdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum ctl config} against a real etcd. */
class ConfigCtlCommandTest {

    private static EtcdProcess etcd;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.single();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    private static final String VALID = """
            listeners:
              - name: public
                bind: "127.0.0.1:18080"
                routes: [{name: all, pool: web}]
            pools:
              - name: web
                backends: [{name: a, address: "127.0.0.1:18081"}]
            """;

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static String prefix(String test) {
        return "/ctl-" + test;
    }

    @Test
    void anInvalidFileIsRefusedWithValidatesMessagesAndNothingIsWritten() throws Exception {
        // Line 7: a backend address without a port.
        Path bad = file("bad.yaml", VALID.replace("\"127.0.0.1:18081\"", "\"127.0.0.1\""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = StoreFleet.ctl(etcd.endpoint(), prefix("invalid"), out, err, "push", bad.toString());

        StringWriter validateErr = new StringWriter();
        var validate = FulcrumCommand.commandLine();
        validate.setErr(new PrintWriter(validateErr, true));
        validate.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(validate.execute("validate", "-c", bad.toString())).isEqualTo(ExitCodes.INVALID);

        assertThat(code).isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains(bad + ":7:").isEqualTo(validateErr.toString());
        assertThat(etcd.etcdctl("get", "--prefix", prefix("invalid"), "--keys-only")).isBlank();
    }

    @Test
    void pushGetDiffAndHistory() throws Exception {
        String p = prefix("cycle");
        Path first = file("first.yaml", VALID);
        Path second = file("second.yaml", VALID.replace("18081", "18082"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        assertThat(StoreFleet.ctl(etcd.endpoint(), p, out, err, "push", first.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("put    pools/web", "put    listeners/public");

        out.getBuffer().setLength(0);
        assertThat(StoreFleet.ctl(etcd.endpoint(), p, out, err, "diff", second.toString())).isZero();
        assertThat(out.toString()).contains("~ pools/web", "127.0.0.1:18082").doesNotContain("listeners/public");

        out.getBuffer().setLength(0);
        assertThat(StoreFleet.ctl(etcd.endpoint(), p, out, err, "push", second.toString())).isZero();
        assertThat(out.toString()).contains("1 written, 0 deleted", "put    pools/web");

        out.getBuffer().setLength(0);
        assertThat(StoreFleet.ctl(etcd.endpoint(), p, out, err, "push", second.toString())).isZero();
        assertThat(out.toString()).startsWith("unchanged");

        out.getBuffer().setLength(0);
        assertThat(StoreFleet.ctl(etcd.endpoint(), p, out, err, "get")).isZero();
        assertThat(out.toString()).startsWith("# revision ").contains("127.0.0.1:18082");

        out.getBuffer().setLength(0);
        assertThat(StoreFleet.ctl(etcd.endpoint(), p, out, err, "history")).isZero();
        assertThat(out.toString().lines()).hasSize(2);
        assertThat(out.toString().lines().findFirst().orElseThrow()).contains("1 written, 0 deleted");
    }

    @Test
    void aFileWithAStoreSectionIsRefused() throws Exception {
        Path withStore = file("store.yaml", VALID + "store:\n  etcd:\n    endpoints: [\"http://127.0.0.1:1\"]\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        assertThat(StoreFleet.ctl(etcd.endpoint(), prefix("store"), out, err, "push", withStore.toString()))
                .isEqualTo(ExitCodes.INVALID);
        assertThat(err.toString()).contains(withStore + ":8:", "store: the store is each node's own");
        assertThat(etcd.etcdctl("get", "--prefix", prefix("store"), "--keys-only")).isBlank();
    }
}

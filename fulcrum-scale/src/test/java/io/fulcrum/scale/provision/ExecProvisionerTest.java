package io.fulcrum.scale.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.Provisioner.Member;
import io.fulcrum.core.provision.Provisioner.Result;
import io.fulcrum.core.provision.ProvisionerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code exec} provisioner running real programs ({@code /bin/sh} scripts written by the test):
 * what each action is given on standard input, how its answer, its exit status and its deadline
 * are read.
 */
class ExecProvisionerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void theFactoryIsRegisteredAsExec() {
        assertThat(ProvisionerFactory.registry().find("exec")).get().isInstanceOf(ExecProvisionerFactory.class);
    }

    @Test
    void eachActionGetsItsDocumentAndItsNameAndTheAnswerIsTheMember() throws Exception {
        // Keeps what it was given (argument, environment, standard input), answers a member.
        Path script = script("""
                cat > "$DIR/$1-$FULCRUM_GENERATION.json"
                echo "$1 $FULCRUM_ACTION $FULCRUM_POOL $FULCRUM_GENERATION" >> "$DIR/calls"
                case "$1" in
                  start|replace) echo '{"name": "web-'$FULCRUM_GENERATION'", "address": "127.0.0.1:8080", "labels": {"vm": "v1"}}' ;;
                  list) echo '{"members": [{"name": "web-7", "address": "127.0.0.1:8080"}]}' ;;
                esac
                """);
        Provisioner p = exec(script);

        Result started = p.start("web", 7, deadline());
        assertThat(started.ok()).as(started.detail()).isTrue();
        assertThat(started.member().name()).isEqualTo("web-7");
        assertThat(started.member().address()).isEqualTo("127.0.0.1:8080");
        assertThat(started.member().labels()).containsEntry("vm", "v1").containsEntry("fulcrum.exec/pool", "web");
        JsonNode doc = JSON.readTree(dir.resolve("start-7.json").toFile());
        assertThat(doc.path("action").asText()).isEqualTo("start");
        assertThat(doc.path("pool").asText()).isEqualTo("web");
        assertThat(doc.path("generation").asLong()).isEqualTo(7);
        assertThat(Instant.parse(doc.path("deadline").asText())).isAfter(Instant.now());

        Result stopped = p.stop(started.member(), 9, deadline());
        assertThat(stopped.ok()).as(stopped.detail()).isTrue();
        JsonNode stopDoc = JSON.readTree(dir.resolve("stop-9.json").toFile());
        assertThat(stopDoc.path("pool").asText()).as("the pool of a member it started").isEqualTo("web");
        assertThat(stopDoc.path("member").path("name").asText()).isEqualTo("web-7");
        assertThat(stopDoc.path("member").path("labels").path("vm").asText()).isEqualTo("v1");

        Provisioner.Listing listing = p.list("web", deadline());
        assertThat(listing.ok()).as(listing.detail()).isTrue();
        assertThat(listing.members()).extracting(Member::name).containsExactly("web-7");

        Result replaced = p.replace(started.member(), 11, deadline());
        assertThat(replaced.member().name()).isEqualTo("web-11");
        assertThat(Files.readAllLines(dir.resolve("calls"))).containsExactly("start start web 7", "stop stop web 9",
                "list list web 0", "replace replace web 11");
    }

    @Test
    void aFailingProgramFailsTheActionWithTheEndOfItsErrorOutput() throws Exception {
        Provisioner p = exec(script("""
                echo "quota exceeded for instances in zone b" >&2
                exit 3
                """));

        Result r = p.start("web", 1, deadline());

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("exited with status 3").contains("quota exceeded for instances in zone b");
        Provisioner.Listing l = p.list("web", deadline());
        assertThat(l.ok()).isFalse();
        assertThat(l.detail()).contains("exited with status 3");
    }

    @Test
    void anAnswerThatIsNotAMemberIsRefused() throws Exception {
        assertThat(exec(script("echo 'started it'")).start("web", 1, deadline()).detail())
                .contains("the program's answer is not JSON: started it");
        assertThat(exec(script("echo '{\"name\": \"web-1\"}'")).start("web", 1, deadline()).detail())
                .contains("not a member with a name and an address");
        assertThat(exec(script("echo '{\"items\": []}'")).list("web", deadline()).detail())
                .contains("no \"members\" array");
    }

    @Test
    void aProgramStillRunningAtTheDeadlineIsKilledAndTheActionFails() throws Exception {
        Path script = script("""
                echo $$ > "$DIR/pid"
                sleep 60
                """);
        Result r = exec(script).start("web", 1, Instant.now().plusSeconds(2));

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("did not finish by the deadline").contains("killed");
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void settingsAreChecked() {
        ExecProvisionerFactory f = new ExecProvisionerFactory();
        assertThat(f.validate(new ExecSettings(List.of("/bin/true"), null, null))).isEmpty();
        assertThat(f.validate(new ExecSettings(null, "/no/such/directory", Map.of("A=B", "x"))))
                .extracting(InvalidFieldException::getMessage).containsExactlyInAnyOrder(
                        "command: a command is required: the program and its arguments as a list, like "
                                + "[/etc/fulcrum/provision.sh]; it is told the action on its standard input",
                        "environment: not a variable name: 'A=B'",
                        "workingDirectory: no such directory: /no/such/directory");
        assertThat(f.validate(new ExecSettings(List.of("x", ""), null, null)))
                .extracting(InvalidFieldException::getMessage).containsExactly("command[1]: an empty argument");
    }

    private Provisioner exec(Path script) {
        return new ExecProvisionerFactory().create(new ExecSettings(List.of("/bin/sh", script.toString()), null,
                Map.of("DIR", dir.toString())));
    }

    private Path script(String body) throws Exception {
        return Files.writeString(Files.createTempFile(dir, "provision", ".sh"), body);
    }

    private static Instant deadline() {
        return Instant.now().plus(DEADLINE);
    }
}

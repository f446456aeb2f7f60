package io.fulcrum.scale.provision;

import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.Provisioner.Event;
import io.fulcrum.core.provision.Provisioner.Member;
import io.fulcrum.core.provision.Provisioner.Result;
import io.fulcrum.core.provision.ProvisionerFactory;
import io.fulcrum.testsupport.Closer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code process} provisioner with real processes: Python's HTTP server as the backend,
 * reached over HTTP on the port the provisioner gave it.
 */
class ProcessProvisionerTest {

    /** Generous: python starts slowly on a loaded machine; nothing here is timed, only bounded. */
    private static final Duration START = Duration.ofSeconds(30);

    /** Serves the working directory on {@code {address}:{port}}. */
    private static final List<String> HTTP_SERVER =
            List.of("python3", "-m", "http.server", "{port}", "--bind", "{address}");

    @AutoClose
    final Closer closer = new Closer();

    final List<Event> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @Test
    void theFactoryIsRegisteredAsProcess() {
        assertThat(ProvisionerFactory.registry().find("process")).get().isInstanceOf(ProcessProvisionerFactory.class);
    }

    @Test
    void startsARealBackendThatAnswersHttpAndStopClosesItsPort() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "served by the member");
        Provisioner p = provisioner(settings(HTTP_SERVER, Map.of()));

        Result started = p.start("web", 7, deadline());

        assertThat(started.ok()).as(started.detail()).isTrue();
        Member m = started.member();
        assertThat(m.name()).isEqualTo("web-7");
        assertThat(m.address()).startsWith("127.0.0.1:");
        assertThat(m.labels()).containsEntry("fulcrum.process/pool", "web");
        assertThat(get(m, "/hello.txt")).isEqualTo("served by the member");
        assertThat(p.list("web", deadline()).members()).containsExactly(m);
        assertThat(p.list("other", deadline()).members()).isEmpty();

        Result stopped = p.stop(m, 8, deadline());

        assertThat(stopped.ok()).as(stopped.detail()).isTrue();
        assertThat(stopped.detail()).contains("ended on SIGTERM");
        assertThat(accepts(m)).isFalse();
        assertThat(childrenListeningOn(m)).isEmpty();
        assertThat(p.list("web", deadline()).members()).isEmpty();
        assertThat(p.stop(m, 8, deadline()).ok()).as("stopping it again").isTrue();
    }

    @Test
    void theSameGenerationStartedTwiceAtOnceRunsOneProcessAndGivesOneMember() throws Exception {
        Provisioner p = provisioner(settings(HTTP_SERVER, Map.of()));

        List<Result> results;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Result> a = threads.submit(() -> p.start("web", 3, deadline()));
            Future<Result> b = threads.submit(() -> p.start("web", 3, deadline()));
            results = List.of(a.get(), b.get());
        }
        Result again = p.start("web", 3, deadline());

        assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.detail()).isTrue());
        Member m = results.getFirst().member();
        assertThat(results.get(1).member()).isEqualTo(m);
        assertThat(again.member()).isEqualTo(m);
        assertThat(again.detail()).contains("generation 3 already started web-3");
        assertThat(childrenListeningOn(m)).hasSize(1);
        assertThat(p.list("web", deadline()).members()).containsExactly(m);

        Result next = p.start("web", 4, deadline());
        assertThat(next.ok()).as(next.detail()).isTrue();
        assertThat(next.member().address()).as("a port of its own").isNotEqualTo(m.address());
        assertThat(p.list("web", deadline()).members()).hasSize(2);
    }

    @Test
    void aKilledProcessIsRestartedOnItsPortAndTheListenerIsTold() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "back");
        Provisioner p = provisioner(settings(HTTP_SERVER, Map.of()));
        Member m = p.start("web", 1, deadline()).member();
        ProcessHandle first = childrenListeningOn(m).getFirst();

        first.destroyForcibly();

        await().atMost(START).until(() -> events.stream().anyMatch(e -> e.type().equals(Event.RESTARTED)));
        assertThat(events).extracting(Event::type).containsExactly(Event.EXITED, Event.RESTARTED);
        assertThat(events.getFirst().detail()).contains("exited with signal 9").contains("restarting in");
        assertThat(events).allSatisfy(e -> assertThat(e.member()).isEqualTo(m));
        assertThat(get(m, "/hello.txt")).isEqualTo("back");
        assertThat(childrenListeningOn(m)).singleElement().isNotEqualTo(first);
        assertThat(p.list("web", deadline()).members()).containsExactly(m);
    }

    @Test
    void aProcessThatNeverListensIsStoppedAtTheDeadlineAndTheStartFails() {
        Provisioner p = provisioner(settings(List.of("python3", "-c", "import time; print('warming up', flush=True); "
                + "time.sleep(300)", "{port}"), Map.of()));
        Instant deadline = Instant.now().plusSeconds(3);

        Result r = p.start("web", 1, deadline);

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("did not listen on 127.0.0.1:").contains("by the deadline")
                .contains("ended on SIGTERM").contains("warming up");
        // Returned once the deadline and the grace it leaves had passed: the bound, not a speed.
        assertThat(Instant.now()).isBefore(deadline.plusSeconds(10));
        assertThat(ProcessHandle.current().descendants().filter(h -> h.info().arguments().map(a -> List.of(a)
                .toString().contains("time.sleep(300)")).orElse(false)).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(p.list("web", deadline()).members()).isEmpty();
        assertThat(p.start("web", 1, deadline()).detail()).as("the same generation again").contains("already failed");
    }

    @Test
    void aProcessThatExitsBeforeListeningFailsTheStartWithItsOutput() {
        Provisioner p = provisioner(settings(List.of("sh", "-c", "echo 'cannot open the database' >&2; exit 3"), Map.of()));

        Result r = p.start("web", 1, deadline());

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("exited with status 3 before it listened").contains("cannot open the database");
    }

    @Test
    void aCommandThatCannotRunFailsTheStart() {
        Provisioner p = provisioner(settings(List.of(dir.resolve("no-such-program").toString()), Map.of()));

        Result r = p.start("web", 1, deadline());

        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).contains("cannot run").contains("no-such-program");
    }

    @Test
    void stopKillsAProcessThatIgnoresSigtermAfterTheGrace() throws Exception {
        ProcessSettings s = new ProcessSettings(List.of("python3", "-c", """
                import signal, socket, sys, time
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((sys.argv[1], int(sys.argv[2]))); s.listen()
                time.sleep(300)
                """, "{address}", "{port}"), null, null, null, null, null, Duration.ofSeconds(1), null, null, null, null, null);
        Provisioner p = provisioner(s);
        Member m = p.start("web", 1, deadline()).member();

        Result stopped = p.stop(m, 2, deadline());

        assertThat(stopped.ok()).as(stopped.detail()).isTrue();
        assertThat(stopped.detail()).contains("killed with SIGKILL after the grace period");
        assertThat(accepts(m)).isFalse();
        assertThat(events).as("a stop is no exit to restart").isEmpty();
    }

    @Test
    void aMemberThatKeepsExitingIsLeftDownAfterMaxRestarts() {
        // Listens, then exits half a second later: every restart ends the same way.
        ProcessSettings s = new ProcessSettings(List.of("python3", "-c", """
                import socket, sys, time
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((sys.argv[1], int(sys.argv[2]))); s.listen()
                time.sleep(0.5)
                print('giving up', flush=True)
                """, "{address}", "{port}"), null, null, null, null, null, null, null, 2, null,
                Duration.ofMillis(100), Duration.ofMillis(200));
        Provisioner p = provisioner(s);
        Result r = p.start("web", 1, deadline());
        assertThat(r.ok()).as(r.detail()).isTrue();

        await().atMost(Duration.ofSeconds(90)).until(() -> events.stream().anyMatch(e -> e.type().equals(Event.GAVE_UP)));

        assertThat(events).extracting(Event::type).containsExactly(Event.EXITED, Event.RESTARTED, Event.EXITED,
                Event.RESTARTED, Event.GAVE_UP);
        assertThat(events.get(2).detail()).as("the second wait is doubled").contains("restarting in 200 ms");
        assertThat(events.getLast().detail()).contains("3 exits within").contains("giving up");
        assertThat(p.list("web", deadline()).members()).as("a member left down is not running").isEmpty();
        assertThat(p.start("web", 1, deadline()).detail()).contains("left down");
    }

    @Test
    void replaceStopsTheOldMemberAndStartsOneNewMemberForItsGeneration() throws Exception {
        Provisioner p = provisioner(settings(HTTP_SERVER, Map.of()));
        Member old = p.start("web", 1, deadline()).member();

        Result replaced = p.replace(old, 2, deadline());
        Result again = p.replace(old, 2, deadline());

        assertThat(replaced.ok()).as(replaced.detail()).isTrue();
        assertThat(replaced.member().name()).isEqualTo("web-2");
        assertThat(replaced.detail()).contains("replaced web-1");
        assertThat(again.member()).isEqualTo(replaced.member());
        assertThat(accepts(old)).isFalse();
        assertThat(get(replaced.member(), "/")).contains("Directory listing");
        assertThat(p.list("web", deadline()).members()).containsExactly(replaced.member());
        assertThat(childrenListeningOn(replaced.member())).hasSize(1);
    }

    @Test
    void aShellLineGetsTheMembersValuesInItsEnvironmentToo() throws Exception {
        ProcessSettings s = new ProcessSettings(null, "echo \"$GREETING\" > {name}.txt; "
                + "exec python3 -m http.server \"$FULCRUM_MEMBER_PORT\" --bind \"$FULCRUM_MEMBER_ADDRESS\"",
                null, null, dir.toString(), Map.of("GREETING", "hello from {name} in {pool}"),
                null, null, null, null, null, null);
        Provisioner p = provisioner(s);

        Result r = p.start("api", 5, deadline());

        assertThat(r.ok()).as(r.detail()).isTrue();
        assertThat(get(r.member(), "/api-5.txt")).isEqualTo("hello from api-5 in api\n");
    }

    @Test
    void closeStopsEveryMember() throws Exception {
        Provisioner p = new ProcessProvisionerFactory().create(settings(HTTP_SERVER, Map.of()));
        Member a = p.start("web", 1, deadline()).member();
        Member b = p.start("api", 2, deadline()).member();

        p.close();

        assertThat(accepts(a)).isFalse();
        assertThat(accepts(b)).isFalse();
        assertThat(p.start("web", 3, deadline()).detail()).contains("closed");
    }

    private ProcessSettings settings(List<String> command, Map<String, String> env) {
        return new ProcessSettings(command, null, null, null, dir.toString(), env, null, null, null, null, null, null);
    }

    private Provisioner provisioner(ProcessSettings s) {
        ProcessProvisionerFactory f = new ProcessProvisionerFactory();
        assertThat(f.validate(s)).isEmpty();
        Provisioner p = closer.add(f.create(s));
        p.listen(events::add);
        return p;
    }

    private static Instant deadline() {
        return Instant.now().plus(START);
    }

    private static String get(Member m, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://" + m.address() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }

    private static boolean accepts(Member m) {
        int colon = m.address().lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(m.address().substring(0, colon),
                    Integer.parseInt(m.address().substring(colon + 1))), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** The live processes below this JVM whose arguments name the member's port. */
    private static List<ProcessHandle> childrenListeningOn(Member m) {
        String port = m.address().substring(m.address().lastIndexOf(':') + 1);
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(List::of).orElse(List.of()).contains(port))
                .toList();
    }
}

package io.fulcrum.scale.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.core.provision.Provisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operator's program for every action: {@code command... ACTION}, with a JSON document on
 * standard input ({@code action}, {@code pool}, {@code generation}, {@code deadline} and, for a stop
 * or a replacement, the {@code member}) and the answer read from standard output: the member
 * ({@code name}, {@code address}, {@code labels}) for a start or replacement, {@code {"members": [...]}}
 * for a list, nothing needed for a stop. Exit status 0 is success; anything else fails the action
 * with the end of what the program wrote on standard error. A program still running at the deadline
 * is killed with everything it started that still belongs to it, and the action fails.
 *
 * <p>Idempotence by generation is the program's: it is given the generation and, asked again with
 * one it already acted on, answers what it did then (docs/autoscaling.md, {@code exec}). This class
 * keeps no state, so any number of nodes may use the same program (a cluster's successive leaders).
 */
final class ExecProvisioner implements Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(ExecProvisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most bytes of an answer read; a program that writes more is answering nonsense. */
    private static final int MAX_ANSWER_BYTES = 1 << 20;
    /** How long the output is still read after the program exited (a child may hold the pipe). */
    private static final Duration OUTPUT_AFTER_EXIT = Duration.ofMillis(500);

    /** The label that holds a member's pool. */
    static final String POOL_LABEL = "fulcrum.exec/pool";

    private final ExecSettings settings;

    ExecProvisioner(ExecSettings settings) {
        this.settings = settings;
    }

    /** What one run of the program gave. */
    private record Run(boolean ok, JsonNode answer, String detail) {
    }

    @Override
    public Result start(String pool, long generation, Instant deadline) {
        return memberAnswer("start", pool, generation, null, deadline);
    }

    @Override
    public Result replace(Member member, long generation, Instant deadline) {
        return memberAnswer("replace", poolOf(member), generation, member, deadline);
    }

    @Override
    public Result stop(Member member, long generation, Instant deadline) {
        Run r = run("stop", poolOf(member), generation, member, deadline);
        return r.ok() ? Result.stopped(r.detail()) : Result.failed(r.detail());
    }

    @Override
    public Listing list(String pool, Instant deadline) {
        Run r = run("list", pool, 0, null, deadline);
        if (!r.ok()) {
            return Listing.failed(r.detail());
        }
        JsonNode members = r.answer() == null ? null : r.answer().get("members");
        if (members == null || !members.isArray()) {
            return Listing.failed("list: the program's answer has no \"members\" array: " + shorten(r.answer()));
        }
        List<Member> out = new ArrayList<>();
        for (JsonNode m : members) {
            Member member = member(m);
            if (member == null) {
                return Listing.failed("list: a member without name or address in the answer: " + shorten(m));
            }
            out.add(withPool(member, pool));
        }
        return Listing.of(out);
    }

    @Override
    public void close() {
        // Nothing runs between actions: the members are the program's platform's.
    }

    private Result memberAnswer(String action, String pool, long generation, Member old, Instant deadline) {
        Run r = run(action, pool, generation, old, deadline);
        if (!r.ok()) {
            return Result.failed(r.detail());
        }
        Member m = r.answer() == null ? null : member(r.answer());
        if (m == null) {
            return Result.failed(action + ": the program's answer is not a member with a name and an address: "
                    + shorten(r.answer()));
        }
        return Result.started(withPool(m, pool), r.detail());
    }

    /** The member with its pool in a label, so that a stop or replacement can tell the program the pool. */
    private static Member withPool(Member m, String pool) {
        if (m.labels().containsKey(POOL_LABEL)) {
            return m;
        }
        Map<String, String> labels = new LinkedHashMap<>(m.labels());
        labels.put(POOL_LABEL, pool);
        return new Member(m.name(), m.address(), labels);
    }

    /** The member's pool, from the label a start or list put on it. */
    private static String poolOf(Member m) {
        String p = m.labels().get(POOL_LABEL);
        return p == null ? "" : p;
    }

    private Run run(String action, String pool, long generation, Member member, Instant deadline) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("action", action);
        doc.put("pool", pool);
        doc.put("generation", generation);
        doc.put("deadline", deadline.toString());
        if (member != null) {
            ObjectNode m = doc.putObject("member");
            m.put("name", member.name());
            m.put("address", member.address());
            ObjectNode labels = m.putObject("labels");
            member.labels().forEach(labels::put);
        }
        List<String> argv = new ArrayList<>(settings.command());
        argv.add(action);
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (settings.workingDirectory() != null) {
            pb.directory(new File(settings.workingDirectory()));
        }
        pb.environment().putAll(settings.environment());
        pb.environment().put("FULCRUM_ACTION", action);
        pb.environment().put("FULCRUM_POOL", pool);
        pb.environment().put("FULCRUM_GENERATION", Long.toString(generation));
        String who = argv.getFirst() + " " + action + " " + pool + (generation > 0 ? "/" + generation : "");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Run(false, null, action + ": the program could not be run: " + e.getMessage());
        }
        OutputTail errors = new OutputTail();
        errors.drain(p.getErrorStream(), LOG, who);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("fulcrum-exec-out").start(() -> readBounded(p.getInputStream(), out));
        try (OutputStream in = p.getOutputStream()) {
            in.write(JSON.writeValueAsBytes(doc));
        } catch (IOException e) {
            // A program that does not read its input closes it early; its answer still counts.
        }
        try {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0 || !p.waitFor(left, TimeUnit.MILLISECONDS)) {
                ProcessTrees.kill(p.toHandle());
                return new Run(false, null, action + ": the program did not finish by the deadline " + deadline
                        + " and was killed" + errors.suffix());
            }
            reader.join(OUTPUT_AFTER_EXIT);
        } catch (InterruptedException e) {
            ProcessTrees.kill(p.toHandle());
            Thread.currentThread().interrupt();
            return new Run(false, null, action + ": interrupted");
        }
        if (p.exitValue() != 0) {
            return new Run(false, null, action + ": the program exited with status " + p.exitValue() + errors.suffix());
        }
        byte[] bytes;
        synchronized (out) {
            bytes = out.toByteArray();
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return new Run(true, null, errors.text());
        }
        try {
            return new Run(true, JSON.readTree(text), errors.text());
        } catch (IOException e) {
            return new Run(false, null, action + ": the program's answer is not JSON: " + shorten(text));
        }
    }

    private static void readBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    if (out.size() + n > MAX_ANSWER_BYTES) {
                        return;
                    }
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException closed) {
            // The program is gone.
        }
    }

    private static Member member(JsonNode m) {
        if (m == null || !m.isObject() || !m.path("name").isTextual() || !m.path("address").isTextual()
                || m.path("name").asText().isBlank() || m.path("address").asText().isBlank()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        m.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new Member(m.get("name").asText(), m.get("address").asText(), labels);
    }

    private static String shorten(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}

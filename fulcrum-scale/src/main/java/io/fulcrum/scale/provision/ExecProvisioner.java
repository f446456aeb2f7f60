package io.fulcrum.scale.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.core.provision.Provisioner;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the operator's program for every action: {@code command... ACTION}, with a JSON document on
 * standard input ({@code action}, {@code pool}, {@code generation}, {@code deadline} and, for a stop
 * or a replacement, the {@code member}) and the answer read from standard output: the member
 * ({@code name}, {@code address}, {@code labels}) for a start or replacement, {@code {"members": [...]}}
 * for a list, nothing needed for a stop. Exit status 0 is success; anything else fails the action
 * with the end of what the program wrote on standard error. A program still running at the deadline
 * is killed with everything it started that still belongs to it, and the action fails. Each run is
 * a {@link ScriptRun}, the runner the {@code systemd} provisioner's commands use too.
 *
 * <p>Idempotence by generation is the program's: it is given the generation and, asked again with
 * one it already acted on, answers what it did then (docs/autoscaling.md, {@code exec}). This class
 * keeps no state, so any number of nodes may use the same program (a cluster's successive leaders).
 */
final class ExecProvisioner implements Provisioner {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        Map<String, String> environment = new LinkedHashMap<>(settings.environment());
        environment.put("FULCRUM_ACTION", action);
        environment.put("FULCRUM_POOL", pool);
        environment.put("FULCRUM_GENERATION", Long.toString(generation));
        String request;
        try {
            request = JSON.writeValueAsString(doc);
        } catch (IOException e) {
            throw new IllegalStateException("a request document that cannot be written", e);
        }
        // A program past its deadline is killed at once: the action's own deadline has no grace left.
        ScriptRun.Outcome o = ScriptRun.run(argv, request, settings.workingDirectory(), environment, deadline,
                Duration.ZERO);
        if (o.failure() != null) {
            return new Run(false, null, action + ": " + o.failure() + o.stderrSuffix());
        }
        if (o.exitCode() != 0) {
            return new Run(false, null, action + ": the program exited with status " + o.exitCode()
                    + o.stderrSuffix());
        }
        String text = o.stdout().strip();
        if (text.isEmpty()) {
            return new Run(true, null, o.stderr());
        }
        try {
            return new Run(true, JSON.readTree(text), o.stderr());
        } catch (IOException e) {
            return new Run(false, null, action + ": the program's answer is not JSON: " + shorten(text));
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

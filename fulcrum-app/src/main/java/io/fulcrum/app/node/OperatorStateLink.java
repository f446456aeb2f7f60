package io.fulcrum.app.node;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.admin.state.SharedState;
import io.fulcrum.admin.state.StateConflictException;
import io.fulcrum.admin.state.StateData;
import io.fulcrum.admin.state.StateKeys;
import io.fulcrum.cluster.operator.OperatorStateStore;
import io.fulcrum.control.store.StoreException;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster mode's link between the admin API's operator changes ({@link AdminState}) and the
 * fleet's etcd ({@link OperatorStateStore}): a change made through this node's API is written
 * to etcd first (against the operator state this node last saw, so a change another node made
 * meanwhile makes it fail with 409 instead of being overwritten); every change in etcd, this
 * node's own included, comes back through the watch and is put into service here. Opened
 * before the node is built, so the first configuration it applies already carries the fleet's
 * drains and weights; when etcd cannot be reached then, the node starts from its state file
 * (the local copy) and takes the fleet's state once etcd answers.
 *
 * <p>Each change carries its {@code admin.*} event to etcd (as the change's note); every other
 * node publishes it on its own event log when the change comes through its watch, with the
 * {@code node} it was made through, so the whole fleet's event streams tell of it (the node that
 * took the request already did, and skips its own notes).
 */
final class OperatorStateLink implements NodeService, SharedState {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorStateLink.class);

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /**
     * A change's note in etcd: its event, the node it was made through, and which run of which
     * process wrote it (so a node knows its own changes coming back).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Note(String origin, String node, Instant time, String kind, String subject, String reason, String actor,
                Map<String, String> details) {
    }

    private final OperatorStateStore store;
    private final AdminState state;
    private final String nodeName;
    /** Tells this process's writes from the others' (a node restarted under the same name is another writer). */
    private final String origin = UUID.randomUUID().toString();
    private volatile EventLog events;
    /** The serial revision of the operator state {@link #state} holds ({@code -1}: not read from etcd yet). */
    private final AtomicLong serial = new AtomicLong(-1);
    private final long readAt;

    private OperatorStateLink(OperatorStateStore store, AdminState state, String nodeName) {
        this.store = store;
        this.state = state;
        this.nodeName = nodeName;
        long at = -1;
        try {
            OperatorStateStore.Snapshot s = store.read();
            take(s);
            at = s.revision();
            LOG.info("operator state: {} change(s) from etcd (revision {})", s.keys().size(), s.revision());
        } catch (StoreException e) {
            LOG.warn("operator state: etcd unreachable at start ({}); using the local copy in {} until it answers",
                    e.getMessage(), state.file());
        }
        this.readAt = at;
        state.share(this);
    }

    /**
     * The link for a node whose configuration names an etcd store and that keeps operator
     * changes (an admin section), else {@code null} (a single node: the state file alone).
     */
    static OperatorStateLink open(FulcrumConfig config, Path configFile, AdminState state) {
        EtcdStoreConfig etcd = config.store() == null ? null : EtcdStoreConfig.chosenIn(config.store());
        if (etcd == null || state.file() == null) {
            return null;
        }
        Path baseDir = configFile == null ? null : configFile.toAbsolutePath().getParent();
        String nodeName = config.cluster().enabled() ? config.cluster().nodeId() : config.server().host();
        return new OperatorStateLink(new OperatorStateStore(etcd, baseDir), state, nodeName);
    }

    /** Where the other nodes' changes are told (the node's event log). */
    void announceOn(EventLog log) {
        this.events = log;
    }

    @Override
    public String name() {
        return "operator-state";
    }

    @Override
    public void start(FulcrumConfig config) {
        store.follow(readAt, this::take);
    }

    @Override
    public void apply(FulcrumConfig config) {
        // Where etcd is is the bootstrap's: a change of it takes a restart, like the configuration store's.
    }

    /** Puts a state read from etcd into service (unless it is older than one already taken). */
    private void take(OperatorStateStore.Snapshot s) {
        // A read that finished before this node's own later write is not taken; its notes still are
        // (the changes they tell of happened, and the newer state holds them).
        if (s.serialRevision() >= serial.get()) {
            List<String> problems = new ArrayList<>();
            StateData data = StateKeys.data(s.keys(), problems);
            problems.forEach(p -> LOG.warn("operator state in etcd: {} (skipped)", p));
            state.replace(data); // first the data, then the revision: a write in between loses with 409, never overwrites
            serial.accumulateAndGet(s.serialRevision(), Math::max);
        }
        s.notes().forEach(this::announce);
    }

    /** Publishes another node's change on this node's event log; this node's own were published when made. */
    private void announce(String text) {
        EventLog log = events;
        Note note;
        try {
            note = JSON.readValue(text, Note.class);
        } catch (IOException notOurs) {
            LOG.debug("operator state: a change note that is not an event ({}), not announced", notOurs.toString());
            return;
        }
        if (log == null || origin.equals(note.origin()) || note.kind() == null) {
            return;
        }
        Map<String, String> details = new LinkedHashMap<>(note.details() == null ? Map.of() : note.details());
        details.put("node", note.node());
        log.publish(new Event(0, note.time() == null ? Instant.now() : note.time(), note.kind(), note.subject(),
                note.reason(), note.actor(), details));
    }

    @Override
    public void write(StateData prev, StateData next, Event event) throws IOException {
        Map<String, String> before = StateKeys.keys(prev);
        Map<String, String> after = StateKeys.keys(next);
        Map<String, String> puts = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                puts.put(k, v);
            }
        });
        Set<String> deletes = new HashSet<>(before.keySet());
        deletes.removeAll(after.keySet());
        long seen = serial.get();
        if (seen < 0) {
            throw new IOException("etcd has not answered since this node started");
        }
        try {
            long written = store.commit(seen, puts, deletes, note(event));
            serial.accumulateAndGet(written, Math::max);
        } catch (OperatorStateStore.Conflict lost) {
            throw new StateConflictException(lost.getMessage());
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private String note(Event event) throws IOException {
        Note note = event == null ? new Note(origin, nodeName, Instant.now(), null, null, null, null, Map.of())
                : new Note(origin, nodeName, event.time(), event.kind(), event.subject(), event.reason(), event.actor(),
                event.details());
        return JSON.writeValueAsString(note);
    }

    @Override
    public void close() {
        store.close();
    }
}

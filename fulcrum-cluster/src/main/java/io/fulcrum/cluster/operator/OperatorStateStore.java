package io.fulcrum.cluster.operator;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.fulcrum.cluster.etcd.EtcdCalls;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.control.store.StoreException;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The operator's run-time changes of a fleet, in etcd under {@code <prefix>/operator/}: one key
 * per changed thing (a backend's override, an added backend, a removed backend, a route's
 * stickiness, a pool's importance; the key names are the caller's), plus
 * {@code <prefix>/operator-serial}, which every write rewrites with the writer's note of the
 * change (what happened, by whom, through which node: the event the other nodes announce).
 *
 * <p>A write is one transaction that applies only if the serial key has not been rewritten
 * since the state the writer saw ({@link #commit}): two operators changing the fleet at the same
 * moment through two nodes cannot silently overwrite each other; the loser gets
 * {@link Conflict} and nothing of its change is written.
 *
 * <p>Following: every watch response under the operator prefix makes it read the whole
 * operator state again at one revision (it is small: what operators changed by hand) and hand
 * it on, so a multi-key change is never seen in half, with the notes of the changes that
 * response carried. A failed watch is opened again after a back-off, with a full read first, so
 * no state is skipped (the notes of changes made while it was down are not handed: the state is).
 */
public final class OperatorStateStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorStateStore.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;

    /**
     * The operator state at one etcd revision.
     *
     * @param notes the notes of the changes that led to it since the last one handed, oldest first, as
     *              their writers gave them to {@link #commit} (empty for a full read)
     */
    public record Snapshot(Map<String, String> keys, long serialRevision, long revision, List<String> notes) {
        public Snapshot {
            keys = Map.copyOf(keys);
            notes = List.copyOf(notes);
        }

        Snapshot withNotes(List<String> changeNotes) {
            return new Snapshot(keys, serialRevision, revision, changeNotes);
        }
    }

    /** A write refused because the operator state changed since it was read (another node's change). */
    public static final class Conflict extends StoreException {
        Conflict(String message) {
            super(message);
        }
    }

    private final EtcdStoreConfig settings;
    private final Client client;
    private final String base;
    private final ByteSequence prefix;
    private final ByteSequence serialKey;
    private final ByteSequence watchEnd;
    private final ScheduledExecutorService worker;
    private Watch.Watcher watcher;
    private long generation;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private volatile boolean closed;

    /**
     * @param settings the node's {@code store.etcd} section
     * @param baseDir  the bootstrap file's directory (relative TLS paths)
     */
    public OperatorStateStore(EtcdStoreConfig settings, Path baseDir) {
        this.settings = Objects.requireNonNull(settings, "settings");
        String p = settings.prefix();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.base = p + "/operator/";
        this.prefix = EtcdClients.bytes(base);
        this.serialKey = EtcdClients.bytes(p + "/operator-serial");
        // "operator-serial" sorts just before "operator/": one range holds the serial and the state.
        this.watchEnd = OptionsUtil.prefixEndOf(prefix);
        this.client = EtcdClients.create(settings, baseDir);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("fulcrum-operator-state").daemon(true).unstarted(r));
    }

    /** Reads the whole operator state at one revision. */
    public Snapshot read() throws StoreException {
        TxnResponse r = await(client.getKVClient().txn().Then(
                Op.get(prefix, GetOption.builder().isPrefix(true).build()),
                Op.get(serialKey, GetOption.DEFAULT)).commit());
        Map<String, String> keys = new TreeMap<>();
        for (KeyValue kv : r.getGetResponses().get(0).getKvs()) {
            keys.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(base.length()),
                    kv.getValue().toString(StandardCharsets.UTF_8));
        }
        GetResponse serial = r.getGetResponses().get(1);
        long serialRevision = serial.getKvs().isEmpty() ? 0 : serial.getKvs().getFirst().getModRevision();
        return new Snapshot(keys, serialRevision, r.getHeader().getRevision(), List.of());
    }

    /**
     * Writes a change in one transaction, if the operator state is still the one read at
     * {@code serialRevision} ({@link Snapshot#serialRevision()}).
     *
     * @param puts    keys (relative to the operator prefix) and their new values
     * @param deletes keys to delete
     * @param note    what the change is, for the other nodes (the serial key's new value; any text)
     * @return the serial revision the change was written at
     * @throws Conflict       when another change was written since (nothing of this one is)
     * @throws StoreException when etcd cannot be reached or refuses
     */
    public long commit(long serialRevision, Map<String, String> puts, Set<String> deletes, String note)
            throws StoreException {
        Op[] ops = new Op[puts.size() + deletes.size() + 1];
        int i = 0;
        for (var e : puts.entrySet()) {
            ops[i++] = Op.put(EtcdClients.bytes(base + e.getKey()), EtcdClients.bytes(e.getValue()), PutOption.DEFAULT);
        }
        for (String k : deletes) {
            ops[i++] = Op.delete(EtcdClients.bytes(base + k), DeleteOption.DEFAULT);
        }
        ops[i] = Op.put(serialKey, EtcdClients.bytes(Objects.requireNonNull(note, "note")), PutOption.DEFAULT);
        TxnResponse r = await(client.getKVClient().txn()
                .If(new Cmp(serialKey, Cmp.Op.EQUAL, CmpTarget.modRevision(serialRevision)))
                .Then(ops)
                .commit());
        if (!r.isSucceeded()) {
            throw new Conflict("the operator state changed on another node since this one read it; "
                    + "nothing was written: look again and retry");
        }
        return r.getHeader().getRevision();
    }

    /**
     * Hands every new operator state to {@code listener}, on this store's own thread, from
     * after revision {@code after} (negative: read it now first, as when etcd could not be
     * reached at start); a failed watch is resumed with a full read, so a change made while it
     * was down is handed too.
     */
    public void follow(long after, Consumer<Snapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        worker.execute(() -> {
            if (after < 0) {
                resync(listener);
            } else {
                watch(after, listener);
            }
        });
    }

    private void watch(long after, Consumer<Snapshot> listener) {
        if (closed) {
            return;
        }
        long g = ++generation;
        watcher = client.getWatchClient().watch(serialKey,
                WatchOption.builder().withRange(watchEnd).withRevision(after + 1).build(),
                Watch.listener(
                        response -> {
                            List<String> notes = notes(response);
                            worker.execute(() -> {
                                if (g == generation && !closed) {
                                    backoffMillis = FIRST_BACKOFF_MILLIS;
                                    handFresh(listener, notes);
                                }
                            });
                        },
                        error -> worker.execute(() -> resume(g, listener, error)),
                        () -> worker.execute(() -> resume(g, listener, new IllegalStateException("watch ended")))));
    }

    /** The notes of the changes in a watch response: the values written to the serial key, in order. */
    private List<String> notes(WatchResponse response) {
        List<String> notes = new ArrayList<>();
        for (WatchEvent e : response.getEvents()) {
            if (e.getEventType() == WatchEvent.EventType.PUT && e.getKeyValue().getKey().equals(serialKey)) {
                notes.add(e.getKeyValue().getValue().toString(StandardCharsets.UTF_8));
            }
        }
        return notes;
    }

    /**
     * Reads the state as it is now and hands it on with these notes; returns its revision, or -1
     * when etcd did not answer.
     */
    private long handFresh(Consumer<Snapshot> listener, List<String> notes) {
        try {
            Snapshot s = read().withNotes(notes);
            try {
                listener.accept(s);
            } catch (RuntimeException e) {
                LOG.error("operator state at revision {} could not be applied", s.revision(), e);
            }
            return s.revision();
        } catch (StoreException e) {
            LOG.warn("operator state: cannot read etcd ({})", e.getMessage());
            return -1;
        }
    }

    private void resume(long g, Consumer<Snapshot> listener, Throwable error) {
        if (g != generation || closed) {
            return;
        }
        closeWatcher();
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, Math.max(FIRST_BACKOFF_MILLIS, settings.retryMaxDelay().toMillis()));
        LOG.warn("operator state: watch failed ({}); reading again in {} ms", error.getMessage(), delay);
        worker.schedule(() -> resync(listener), delay, TimeUnit.MILLISECONDS);
    }

    /** Reads and hands the whole state, then watches from there; retries with back-off while etcd is away. */
    private void resync(Consumer<Snapshot> listener) {
        if (closed) {
            return;
        }
        long at = handFresh(listener, List.of());
        if (at < 0) {
            resume(generation, listener, new IllegalStateException("etcd unreachable"));
        } else {
            watch(at, listener);
        }
    }

    private void closeWatcher() {
        generation++;
        EtcdCalls.closeQuietly(watcher);
        watcher = null;
    }

    private <T> T await(CompletableFuture<T> future) throws StoreException {
        return EtcdCalls.await(future, settings.requestTimeout());
    }

    @Override
    public void close() {
        closed = true;
        EtcdCalls.shutDown(worker, this::closeWatcher, client);
    }
}

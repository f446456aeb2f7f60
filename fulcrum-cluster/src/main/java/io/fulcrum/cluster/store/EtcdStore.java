package io.fulcrum.cluster.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.fulcrum.cluster.etcd.EtcdCalls;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.control.store.PushRecord;
import io.fulcrum.control.store.PushResult;
import io.fulcrum.control.store.StoreException;
import io.fulcrum.control.store.StoreSnapshot;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The configuration kept in etcd ({@code store.etcd}), laid out by {@link ConfigLayout}
 * under {@code PREFIX/config/}, with the last push's record at {@code PREFIX/meta/push}.
 *
 * <p>Following: after a read of every key at one revision R, a watch from R+1. The keys
 * are kept here; each watch response's events are applied together and the whole
 * configuration at the response's last revision is handed on (etcd never splits one
 * revision's events across responses, so a multi-key push is seen whole or not at all).
 * When the watch fails, it is opened again from the last applied revision + 1, after a
 * back-off (100 ms doubling up to {@code retryMaxDelay}): nothing is skipped. When that
 * revision has been compacted away, every key is read again at one revision (a full
 * resync) and the watch starts after it. Everything runs on one thread of the store's
 * own, so revisions are handed in order; while etcd is unreachable the node keeps
 * serving what it has.
 *
 * <p>Each configuration the listener accepts is saved to the local snapshot file, which
 * {@link #start} falls back to when etcd cannot be reached.
 */
public final class EtcdStore implements AutoCloseable {

    /** Takes each configuration the store hands; returns whether it is now serving. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param snapshot the whole configuration at one revision
         * @return {@code true} when it was applied (or equal to what serves): it is then kept as the
         *         last good snapshot; {@code false} when refused
         */
        boolean offer(StoreSnapshot snapshot);
    }

    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final EtcdStoreConfig settings;
    private final Client client;
    private final String prefix;
    private final ByteSequence configPrefix;
    private final ByteSequence pushKey;
    private final LocalSnapshot local;
    private final ScheduledExecutorService worker;

    // Touched only on the worker thread once following.
    private final Map<String, String> keys = new TreeMap<>();
    private Watch.Watcher watcher;
    private long watchGeneration;
    private boolean resyncNeeded;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private Listener listener;

    private volatile long revision;
    private volatile boolean closed;

    /**
     * @param settings the {@code store.etcd} section
     * @param baseDir  the bootstrap file's directory (relative TLS and snapshot paths)
     */
    public EtcdStore(EtcdStoreConfig settings, Path baseDir) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.prefix = normalize(settings.prefix());
        this.configPrefix = EtcdClients.bytes(prefix + "/config/");
        this.pushKey = EtcdClients.bytes(prefix + "/meta/push");
        Path snapshot = Path.of(settings.snapshotFile());
        if (!snapshot.isAbsolute() && baseDir != null) {
            snapshot = baseDir.resolve(snapshot);
        }
        this.local = new LocalSnapshot(snapshot, prefix);
        this.client = EtcdClients.create(settings, baseDir);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fulcrum-etcd-store");
            t.setDaemon(true);
            return t;
        });
    }

    /** The key prefix, without a trailing slash. */
    public String prefix() {
        return prefix;
    }

    /** Where the last good snapshot is kept. */
    public Path snapshotFile() {
        return local.file();
    }

    /**
     * Connects and reads the configuration at one consistent revision; when etcd cannot be
     * reached within its timeout, the last good snapshot kept locally.
     *
     * @return the configuration to start with, or empty when etcd is unreachable and no snapshot exists
     */
    public Optional<StoreSnapshot> start() {
        try {
            StoreSnapshot now = onWorker(this::readAll);
            return Optional.of(now);
        } catch (StoreException e) {
            Optional<StoreSnapshot> kept = local.load();
            LOG.warn("etcd {} unreachable at start ({}); {}", settings.endpoints(), e.getMessage(),
                    kept.map(s -> "serving the snapshot kept in " + local.file() + " (revision " + s.revision() + ")")
                            .orElse("no snapshot kept in " + local.file() + ": starting without the store's configuration"));
            kept.ifPresent(s -> worker.execute(() -> {
                keys.clear();
                keys.putAll(ConfigLayout.split(s.yaml()));
                revision = s.revision();
            }));
            worker.execute(() -> resyncNeeded = true);
            return kept;
        }
    }

    /**
     * From now on hands every new revision to the listener, on the store's own thread (one at a
     * time); reconnects on its own while etcd is unreachable.
     */
    public void follow(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        worker.execute(() -> {
            this.listener = listener;
            connect();
        });
    }

    /** The revision of the last configuration handed or read ({@code 0} before any). */
    public long revision() {
        return revision;
    }

    /** The configuration etcd holds now, read at one revision. */
    public StoreSnapshot get() throws StoreException {
        GetResponse response = await(client.getKVClient().get(configPrefix, GetOption.builder().isPrefix(true).build()));
        return new StoreSnapshot(ConfigLayout.assemble(relative(response.getKvs())), response.getHeader().getRevision(),
                false);
    }

    /**
     * Writes a configuration: the keys that differ from what etcd holds and the deletion of
     * those it no longer has, in one transaction. The caller validates first.
     *
     * @param yaml   the configuration text
     * @param author who pushes, for the history
     */
    public PushResult push(String yaml, String author) throws StoreException {
        // A push is read-compare-write, so making it again is safe: etcd answering UNAVAILABLE
        // (a leader change, seen when a member is killed) is retried, a few times, at once and
        // then after a short pause. A retry after a write whose answer was lost finds nothing
        // left to write.
        for (int attempt = 1; ; attempt++) {
            try {
                return pushOnce(yaml, author);
            } catch (StoreException e) {
                if (attempt >= PUSH_ATTEMPTS || !EtcdCalls.isTransient(e)) {
                    throw e;
                }
                LOG.info("etcd refused the push for now ({}); trying again ({} of {})", e.getMessage(),
                        attempt + 1, PUSH_ATTEMPTS);
                pause(attempt);
            }
        }
    }

    private static final int PUSH_ATTEMPTS = 5;

    private static void pause(int attempt) throws StoreException {
        try {
            Thread.sleep(100L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        }
    }

    private PushResult pushOnce(String yaml, String author) throws StoreException {
        Map<String, String> wanted = ConfigLayout.split(yaml);
        // Read what is there and the last push's revision in one transaction: one consistent view.
        TxnResponse view = await(client.getKVClient().txn().Then(
                Op.get(configPrefix, GetOption.builder().isPrefix(true).build()),
                Op.get(pushKey, GetOption.DEFAULT)).commit());
        Map<String, String> present = relative(view.getGetResponses().get(0).getKvs());
        List<KeyValue> meta = view.getGetResponses().get(1).getKvs();
        long lastPush = meta.isEmpty() ? 0 : meta.getFirst().getModRevision();

        List<String> put = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        wanted.forEach((key, value) -> {
            if (!value.equals(present.get(key))) {
                put.add(key);
                ops.add(Op.put(absolute(key), EtcdClients.bytes(value), PutOption.DEFAULT));
            }
        });
        for (String key : present.keySet()) {
            if (!wanted.containsKey(key)) {
                deleted.add(key);
                ops.add(Op.delete(absolute(key), DeleteOption.DEFAULT));
            }
        }
        if (ops.isEmpty()) {
            return new PushResult(view.getHeader().getRevision(), put, deleted);
        }
        ops.add(Op.put(pushKey, EtcdClients.bytes(record(author, put, deleted)), PutOption.DEFAULT));
        // Applied only if no other push came in between: then this one's diff would be wrong.
        TxnResponse written = await(client.getKVClient().txn()
                .If(new Cmp(pushKey, Cmp.Op.EQUAL, CmpTarget.modRevision(lastPush)))
                .Then(ops.toArray(Op[]::new))
                .commit());
        if (!written.isSucceeded()) {
            throw new StoreException("another push was written at the same time; nothing of this one was written: "
                    + "look at it (config get) and push again");
        }
        return new PushResult(written.getHeader().getRevision(), put, deleted);
    }

    /** The last pushes, newest first, as far back as etcd still has them (compaction ends it). */
    public List<PushRecord> history(int limit) throws StoreException {
        List<PushRecord> records = new ArrayList<>();
        long at = 0; // 0: the newest
        while (records.size() < limit) {
            GetOption option = at == 0 ? GetOption.DEFAULT : GetOption.builder().withRevision(at).build();
            List<KeyValue> kvs;
            try {
                kvs = await(client.getKVClient().get(pushKey, option)).getKvs();
            } catch (StoreException e) {
                if (isCompacted(e)) {
                    break; // older revisions are compacted away
                }
                throw e;
            }
            if (kvs.isEmpty()) {
                break;
            }
            KeyValue kv = kvs.getFirst();
            records.add(parseRecord(kv.getModRevision(), kv.getValue().toString(StandardCharsets.UTF_8)));
            at = kv.getModRevision() - 1;
            if (at <= 0) {
                break;
            }
        }
        return records;
    }

    @Override
    public void close() {
        closed = true;
        EtcdCalls.shutDown(worker, this::closeWatcher, client);
    }

    // ---- following (worker thread) ----

    /** Reads every key at one revision and makes it the state here. */
    private StoreSnapshot readAll() throws StoreException {
        GetResponse response = await(client.getKVClient().get(configPrefix, GetOption.builder().isPrefix(true).build()));
        keys.clear();
        keys.putAll(relative(response.getKvs()));
        revision = response.getHeader().getRevision();
        resyncNeeded = false;
        return new StoreSnapshot(ConfigLayout.assemble(keys), revision, false);
    }

    private void connect() {
        if (closed) {
            return;
        }
        if (resyncNeeded) {
            try {
                StoreSnapshot now = readAll();
                LOG.info("etcd: read the whole configuration at revision {}", now.revision());
                hand(now);
            } catch (StoreException e) {
                LOG.warn("etcd {} unreachable ({}); serving what this node has, retrying in {} ms",
                        settings.endpoints(), e.getMessage(), backoffMillis);
                retryLater();
                return;
            }
        }
        long from = revision + 1;
        long generation = ++watchGeneration;
        watcher = client.getWatchClient().watch(configPrefix,
                WatchOption.builder().isPrefix(true).withRevision(from).build(),
                Watch.listener(
                        response -> worker.execute(() -> onEvents(generation, response)),
                        error -> worker.execute(() -> onWatchError(generation, error)),
                        () -> worker.execute(() -> onWatchError(generation, new IllegalStateException("watch ended")))));
        LOG.debug("etcd: watching {} from revision {}", configPrefix, from);
    }

    private void onEvents(long generation, WatchResponse response) {
        if (generation != watchGeneration || closed) {
            return;
        }
        backoffMillis = FIRST_BACKOFF_MILLIS;
        long last = revision;
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            if (kv.getModRevision() <= revision) {
                continue; // already applied (a watch resumed from before it)
            }
            String key = relativeKey(kv.getKey());
            if (event.getEventType() == WatchEvent.EventType.DELETE) {
                keys.remove(key);
            } else {
                keys.put(key, kv.getValue().toString(StandardCharsets.UTF_8));
            }
            last = Math.max(last, kv.getModRevision());
        }
        if (last > revision) {
            revision = last;
            hand(new StoreSnapshot(ConfigLayout.assemble(keys), last, false));
        }
    }

    private void onWatchError(long generation, Throwable error) {
        if (generation != watchGeneration || closed) {
            return;
        }
        closeWatcher();
        if (isCompacted(error)) {
            LOG.warn("etcd: revision {} was compacted away; reading the whole configuration again", revision + 1);
            resyncNeeded = true;
            connect();
            return;
        }
        LOG.warn("etcd: watch failed ({}); resuming from revision {} in {} ms", error.getMessage(), revision + 1,
                backoffMillis);
        retryLater();
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, Math.max(FIRST_BACKOFF_MILLIS, settings.retryMaxDelay().toMillis()));
        worker.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void hand(StoreSnapshot snapshot) {
        if (listener == null) {
            return;
        }
        boolean accepted;
        try {
            accepted = listener.offer(snapshot);
        } catch (RuntimeException | Error e) {
            // Nothing the listener throws ends the following: the next revision is handed as usual.
            LOG.error("etcd: revision {} could not be handed on", snapshot.revision(), e);
            accepted = false;
        }
        if (accepted) {
            try {
                local.save(snapshot);
            } catch (IOException e) {
                LOG.warn("etcd: cannot keep the snapshot in {}: {}", local.file(), e.getMessage());
            }
        }
    }

    private void closeWatcher() {
        watchGeneration++;
        EtcdCalls.closeQuietly(watcher);
        watcher = null;
    }

    // ---- helpers ----

    private <T> T onWorker(Callable<T> task) throws StoreException {
        CompletableFuture<T> result = new CompletableFuture<>();
        worker.execute(() -> {
            try {
                result.complete(task.call());
            } catch (StoreException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException s) {
                throw s;
            }
            throw new StoreException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        }
    }

    /** A task that may fail with a store error. */
    @FunctionalInterface
    private interface Callable<T> {
        T call() throws StoreException;
    }

    private <T> T await(CompletableFuture<T> future) throws StoreException {
        return EtcdCalls.await(future, settings.requestTimeout());
    }

    private static boolean isCompacted(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CompactedException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && m.contains("required revision has been compacted")) {
                return true;
            }
        }
        return false;
    }

    private Map<String, String> relative(List<KeyValue> kvs) {
        Map<String, String> m = new TreeMap<>();
        for (KeyValue kv : kvs) {
            m.put(relativeKey(kv.getKey()), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return m;
    }

    private String relativeKey(ByteSequence key) {
        return key.toString(StandardCharsets.UTF_8).substring(configPrefix.size());
    }

    private ByteSequence absolute(String key) {
        return EtcdClients.bytes(prefix + "/config/" + key);
    }

    private static String record(String author, List<String> put, List<String> deleted) {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", Instant.now().toString());
        n.put("author", author);
        put.forEach(n.putArray("put")::add);
        deleted.forEach(n.putArray("deleted")::add);
        return n.toString();
    }

    private static PushRecord parseRecord(long revision, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            List<String> put = new ArrayList<>();
            n.path("put").forEach(v -> put.add(v.asText()));
            List<String> deleted = new ArrayList<>();
            n.path("deleted").forEach(v -> deleted.add(v.asText()));
            return new PushRecord(revision, n.path("time").asText(), n.path("author").asText(), put, deleted);
        } catch (IOException e) {
            return new PushRecord(revision, "", "", List.of(), List.of());
        }
    }

    private static String normalize(String prefix) {
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}

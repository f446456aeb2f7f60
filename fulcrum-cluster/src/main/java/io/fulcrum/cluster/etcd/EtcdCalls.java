package io.fulcrum.cluster.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.fulcrum.control.store.StoreException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for an etcd call, ending a watch and stopping a user of the client, the same way for every user of the
 * cluster's etcd client: a call is waited for no longer than the caller's
 * {@code requestTimeout} (so etcd being away never blocks for long) and every failure
 * becomes a {@link StoreException} that says what happened.
 */
public final class EtcdCalls {

    private EtcdCalls() {
    }

    /**
     * The result of an etcd call, waited for at most {@code timeout}; a call that takes
     * longer is cancelled.
     *
     * @throws StoreException when etcd did not answer in time, refused, or the wait was interrupted
     */
    public static <T> T await(CompletableFuture<T> future, Duration timeout) throws StoreException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException("etcd did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new StoreException("etcd: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        }
    }

    /**
     * Whether a failed call may succeed if made again at once: etcd answered UNAVAILABLE (its
     * leader changed or is being elected, or the member lost its quorum for a moment). jetcd
     * retries a lost connection itself, but not a call a member answered that way.
     */
    public static boolean isTransient(StoreException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof io.etcd.jetcd.common.exception.EtcdException etcd) {
                return etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE;
            }
            if (t instanceof io.grpc.StatusRuntimeException status) {
                return status.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE;
            }
        }
        return false;
    }

    /** Closes a watch that may already have failed; {@code null} is allowed. */
    public static void closeQuietly(Watch.Watcher watcher) {
        if (watcher == null) {
            return;
        }
        try {
            watcher.close();
        } catch (RuntimeException ignored) {
            // Closing a failed watch.
        }
    }

    /**
     * Stops a user of etcd that runs on a worker thread of its own: {@code last} (ending its
     * watch) runs on the worker after whatever is queued, the worker is given up to 5 s to
     * finish, then the client is closed.
     */
    public static void shutDown(ExecutorService worker, Runnable last, Client client) {
        worker.execute(last);
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}

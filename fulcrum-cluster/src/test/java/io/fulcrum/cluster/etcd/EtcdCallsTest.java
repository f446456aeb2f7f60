package io.fulcrum.cluster.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.fulcrum.control.store.StoreException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which failures of an etcd call are worth making the call again for (EtcdStore's push retries them). */
class EtcdCallsTest {

    /** The StoreException {@link EtcdCalls#await} makes of a call that failed with {@code cause}. */
    private static StoreException failedWith(Throwable cause) {
        return catchThrowableOfType(StoreException.class,
                () -> EtcdCalls.await(CompletableFuture.failedFuture(cause), Duration.ofSeconds(1)));
    }

    @Test
    void aLeaderChangeIsTransient() {
        StoreException e = failedWith(EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcdserver: leader changed"));
        assertThat(e).hasMessageContaining("leader changed");
        assertThat(EtcdCalls.isTransient(e)).isTrue();
        assertThat(EtcdCalls.isTransient(failedWith(Status.UNAVAILABLE.withDescription("no leader").asRuntimeException()))).isTrue();
    }

    @Test
    void refusalsAndTimeoutsAreNot() {
        assertThat(EtcdCalls.isTransient(failedWith(EtcdExceptionFactory.newEtcdException(ErrorCode.INVALID_ARGUMENT, "bad")))).isFalse();
        assertThat(EtcdCalls.isTransient(failedWith(EtcdExceptionFactory.newEtcdException(ErrorCode.PERMISSION_DENIED, "auth")))).isFalse();
        assertThat(EtcdCalls.isTransient(failedWith(new IllegalStateException("x")))).isFalse();
        StoreException timeout = catchThrowableOfType(StoreException.class,
                () -> EtcdCalls.await(new CompletableFuture<>(), Duration.ofMillis(10)));
        assertThat(EtcdCalls.isTransient(timeout)).isFalse();
    }
}

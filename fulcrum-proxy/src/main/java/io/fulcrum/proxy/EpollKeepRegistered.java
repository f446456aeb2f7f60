package io.fulcrum.proxy;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Works around a Netty 4.2.18 epoll defect that breaks half-closed connections.
 *
 * <p>The defect: when a channel's interest set becomes empty, Netty removes its socket from
 * the epoll set ({@code EPOLL_CTL_DEL}) but still believes it is registered, so the next
 * interest (say, {@code EPOLLOUT} because a slow reader filled the socket buffer) is sent as
 * {@code EPOLL_CTL_MOD} and fails with {@code ENOENT}; the channel's output is then shut down
 * and data still queued for it is lost. An empty interest set happens exactly on a half-closed
 * connection: its input ended (no {@code EPOLLIN}, no {@code EPOLLRDHUP}) while nothing waits
 * to be written — the normal state of a tunnel or L4 flow whose client has sent its FIN while
 * the other direction goes on.
 *
 * <p>The fix: an empty interest set is registered as {@code EPOLLET} alone, which keeps the
 * socket in the epoll set without asking for any event (edge-triggered, so an error or hang-up
 * is reported once, not in a loop). Every other request passes through unchanged. Remove this
 * once a Netty release that re-adds the socket after such a removal is available.
 */
final class EpollKeepRegistered implements IoHandlerFactory {

    private final IoHandlerFactory delegate;

    EpollKeepRegistered(IoHandlerFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        return new Handler(delegate.newHandler(executor));
    }

    @Override
    public boolean isChangingThreadSupported() {
        return delegate.isChangingThreadSupported();
    }

    private record Handler(IoHandler delegate) implements IoHandler {
        @Override
        public void initialize() {
            delegate.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return delegate.run(context);
        }

        @Override
        public void prepareToDestroy() {
            delegate.prepareToDestroy();
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return new Registration(delegate.register(handle));
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return delegate.isCompatible(handleType);
        }
    }

    private record Registration(IoRegistration delegate) implements IoRegistration {
        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            if (ops instanceof EpollIoOps e && e.value() == EpollIoOps.NONE.value()) {
                return delegate.submit(EpollIoOps.EPOLLET);
            }
            return delegate.submit(ops);
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            return delegate.cancel();
        }
    }
}

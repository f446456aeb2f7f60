package io.fulcrum.core.balance;

import java.util.HashMap;
import java.util.Map;

/** A mutable {@link PickContext} for tests. */
final class TestContext implements PickContext {

    static final long NOW = 1_000_000_000_000L;

    byte[] address = {10, 0, 0, 1};
    final Map<String, String> headers = new HashMap<>();
    final Map<String, String> cookies = new HashMap<>();
    long now = NOW;

    TestContext ip(int ip) {
        address = new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
        return this;
    }

    @Override
    public byte[] clientAddress() {
        return address;
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public String cookie(String name) {
        return cookies.get(name);
    }

    @Override
    public long nowNanos() {
        return now;
    }
}

package io.fulcrum.scale;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.scale.ScaleMetric;
import io.fulcrum.scale.decide.LoadSample;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each metric read from live backends and the signals: over the backends that take traffic. */
class PoolLoadMeterTest {

    private static final long SECOND = 1_000_000_000L;

    private static Backend backend(String name, int maxConnections) {
        Backend b = new Backend("web", name, "127.0.0.1", 9000 + name.length(), 0, 1);
        b.setMaxConnections(maxConnections);
        return b;
    }

    private static void requests(Backend b, int n) {
        for (int i = 0; i < n; i++) {
            b.requestStarted();
            b.requestFinished();
        }
    }

    /** Signals of fixed values per backend name. */
    private static LoadSignals signals(Map<String, Double> p99, Map<String, Double> rps, Map<String, Double> cpu) {
        return new LoadSignals() {
            @Override
            public double p99Millis(Backend b) {
                return p99.getOrDefault(b.name(), Double.NaN);
            }

            @Override
            public double requestsPerSecond(Backend b) {
                return rps.getOrDefault(b.name(), 0.0);
            }

            @Override
            public double hostCpuPercent(Backend b) {
                return cpu.getOrDefault(b.name(), Double.NaN);
            }
        };
    }

    @Test
    void requestsPerBackendIsThePoolsRateOverTheReadyBackendsAndTheFirstReadingHasNone() {
        Backend a = backend("a", 0);
        Backend b = backend("b", 0);
        Backend draining = backend("d", 0);
        draining.setState(BackendState.DRAINING);
        PoolLoadMeter m = new PoolLoadMeter(LoadSignals.NONE);
        List<Backend> all = List.of(a, b, draining);
        LoadSample first = m.read(ScaleMetric.REQUESTS_PER_BACKEND, all, SECOND);
        assertThat(first.known()).isFalse();
        assertThat(first.ready()).isEqualTo(2);
        requests(a, 30);
        requests(b, 10);
        requests(draining, 20); // its sticky clients' requests are the pool's load too
        LoadSample s = m.read(ScaleMetric.REQUESTS_PER_BACKEND, all, 3 * SECOND);
        assertThat(s.value()).isCloseTo(60.0 / 2 / 2, within(1e-9)); // 60 requests in 2 s over 2 ready
        assertThat(s.busiest()).isCloseTo(15.0, within(1e-9));
        assertThat(m.valueOf(b)).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void connectionsRatioIsInFlightOverMaxConnections() {
        Backend a = backend("a", 10);
        Backend b = backend("bb", 30);
        for (int i = 0; i < 8; i++) {
            a.requestStarted();
        }
        b.requestStarted();
        LoadSample s = new PoolLoadMeter(LoadSignals.NONE).read(ScaleMetric.CONNECTIONS_RATIO, List.of(a, b), SECOND);
        assertThat(s.value()).isCloseTo(9.0 / 40, within(1e-9));
        assertThat(s.busiest()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void p99IsWeightedByRequestsAndHostCpuIsTheMeanOfTheReports() {
        Backend a = backend("a", 0);
        Backend b = backend("bb", 0);
        Backend down = backend("ccc", 0);
        down.setHealthy(false, "test");
        LoadSignals sig = signals(Map.of("a", 100.0, "bb", 10.0, "ccc", 5000.0), Map.of("a", 1.0, "bb", 3.0),
                Map.of("a", 80.0, "ccc", 99.0));
        PoolLoadMeter m = new PoolLoadMeter(sig);
        LoadSample p99 = m.read(ScaleMetric.P99_LATENCY, List.of(a, b, down), SECOND);
        assertThat(p99.value()).isCloseTo((100 * 1 + 10 * 3) / 4.0, within(1e-6));
        assertThat(p99.busiest()).isEqualTo(100.0);
        assertThat(p99.ready()).isEqualTo(2);
        LoadSample cpu = m.read(ScaleMetric.HOST_CPU, List.of(a, b, down), 2 * SECOND);
        assertThat(cpu.value()).isEqualTo(80.0); // b has no report; the down backend does not count
    }

    @Test
    void noBackendThatTakesTrafficMeansNoReading() {
        Backend a = backend("a", 10);
        a.setState(BackendState.DISABLED);
        LoadSample s = new PoolLoadMeter(LoadSignals.NONE).read(ScaleMetric.CONNECTIONS_RATIO, List.of(a), SECOND);
        assertThat(s.known()).isFalse();
        assertThat(s.ready()).isZero();
    }
}

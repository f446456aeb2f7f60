package io.fulcrum.app.node;

import io.fulcrum.cluster.controller.BackendAggregate;
import io.fulcrum.cluster.controller.Controller;
import io.fulcrum.cluster.controller.ControllerKeys;
import io.fulcrum.cluster.controller.FencedRecords;
import io.fulcrum.cluster.controller.PoolAggregate;
import io.fulcrum.scale.OperatorSettings;
import io.fulcrum.scale.ScaleFleet;
import io.fulcrum.scale.ScaleIntent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The autoscaler's view of the cluster on a member whose controller runs: leadership from the election,
 * each pool's load from the controller's aggregates of every node's statistics, and the intents under
 * {@code <prefix>/scale/pools/<pool>}, written by fenced compare-and-swap ({@link FencedRecords}), and the
 * operator's settings under {@code <prefix>/scale/operator/<pool>}, by compare-and-swap from any member. It
 * lives here, where the modules meet, so that fulcrum-scale knows nothing of etcd.
 */
final class FleetScale implements ScaleFleet {

    private final FleetView view;
    private final ControllerKeys keys;

    FleetScale(FleetView view) {
        this.view = view;
        this.keys = view.keys();
    }

    @Override
    public boolean leads() {
        return view.leads();
    }

    @Override
    public String leader() {
        return view.leader();
    }

    @Override
    public Map<String, FleetReading> load(String pool) {
        Controller.PoolView v = view.controller().view().get(pool);
        PoolAggregate a = v == null ? null : v.aggregate();
        if (a == null) {
            return null;
        }
        Map<String, FleetReading> out = new LinkedHashMap<>();
        for (BackendAggregate b : a.backends()) {
            out.put(b.backend(), new FleetReading(b.requests(), b.activeFlows(), b.p99Millis()));
        }
        return out;
    }

    @Override
    public Stored read(String pool) throws Unavailable {
        // Not an intent (written by hand?): replaced by the next leader's, compared on its version.
        FencedRecords.Versioned v = view.read(keys.scaleIntent(pool));
        return new Stored(parsed(v, ScaleIntent::fromJson, null), v.version());
    }

    @Override
    public long write(String pool, long version, ScaleIntent intent) throws Unavailable {
        return view.replace(keys.scaleIntent(pool), version, intent.toJson());
    }

    @Override
    public StoredSettings readOperator(String pool) throws Unavailable {
        // Not settings (written by hand?): none, replaced by the next change, compared on its version.
        FencedRecords.Versioned v = view.read(keys.scaleOperator(pool));
        return new StoredSettings(parsed(v, OperatorSettings::fromJson, OperatorSettings.NONE), v.version());
    }

    /** The record read, or {@code none} when there is none or it does not parse. */
    private static <T> T parsed(FencedRecords.Versioned v, java.util.function.Function<byte[], T> parse, T none) {
        if (v.value() == null) {
            return none;
        }
        try {
            return parse.apply(v.value());
        } catch (IllegalArgumentException bad) {
            return none;
        }
    }

    @Override
    public long writeOperator(String pool, long version, OperatorSettings settings) throws Unavailable {
        return view.replaceByAnyMember(keys.scaleOperator(pool), version, settings.toJson());
    }
}

package io.fulcrum.scale;

import io.fulcrum.core.provision.Provisioner;

import java.util.function.Supplier;

/** A provisioner's action as the scalers call it: a failed result, never an exception or null. */
final class ProvisionerCalls {

    private ProvisionerCalls() {
    }

    /** Runs {@code action}; a provisioner that throws or answers nothing gives a failed result saying so. */
    static Provisioner.Result call(Supplier<Provisioner.Result> action) {
        try {
            Provisioner.Result r = action.get();
            return r == null ? new Provisioner.Result(false, null, "the provisioner returned no result") : r;
        } catch (RuntimeException e) {
            return new Provisioner.Result(false, null, "the provisioner failed: " + e);
        }
    }
}

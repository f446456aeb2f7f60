package io.fulcrum.control.reload;

import java.util.List;

/**
 * How one reload attempt ended.
 *
 * @param outcome  what happened
 * @param trigger  what asked for the reload (for example {@code SIGHUP} or {@code file changed})
 * @param message  for {@link Outcome#APPLIED} and {@link Outcome#UNCHANGED} the change summary;
 *                 for the failures the error (for a refused file, every validation error, one per line)
 * @param changes  what differs from the configuration that was serving, per section; {@code null}
 *                 when the candidate was refused
 * @param warnings the candidate's validation warnings (allowed, probably not intended), formatted
 */
public record ReloadResult(Outcome outcome, String trigger, String message, ConfigChanges changes,
                           List<String> warnings) {

    public ReloadResult {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** The ways a reload ends. */
    public enum Outcome {
        /** The new configuration is serving. */
        APPLIED,
        /** The candidate is valid and equal to the configuration already serving; nothing was done. */
        UNCHANGED,
        /**
         * The candidate failed to load, validate or compile (a key that does not belong to its
         * certificate, a zone that does not build); nothing of it was applied, the previous
         * configuration keeps serving unchanged.
         */
        REFUSED,
        /**
         * The candidate is valid but part of it could not be put into service (a listener that cannot
         * bind its new address keeps its old one), or the reload itself failed (an error reading it).
         */
        FAILED,
        /** The reloader was closed (the process is stopping); nothing was read or applied. */
        STOPPED
    }

    /** Whether the new configuration (or an identical one) is serving. */
    public boolean succeeded() {
        return outcome == Outcome.APPLIED || outcome == Outcome.UNCHANGED;
    }
}

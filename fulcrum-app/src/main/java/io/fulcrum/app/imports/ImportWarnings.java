package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * The directives (or parts of them) an import did not convert, each with its place and the
 * reason, in the order they were found. Every directive of the source is either converted or
 * named here: nothing is dropped silently.
 */
public final class ImportWarnings {

    private final List<String> lines = new ArrayList<>();

    /** The whole directive was not converted. */
    public void notConverted(Directive d, String reason) {
        lines.add(d.at() + ": " + d.text() + ": not converted: " + reason);
    }

    /** One part of a directive (a parameter, an argument) was not converted; the rest was. */
    public void partNotConverted(Directive d, String part, String reason) {
        lines.add(d.at() + ": " + d.name() + " ... " + part + ": not converted: " + reason);
    }

    /** The directive was converted, but not exactly: how Fulcrum's behaviour differs. */
    public void approximated(Directive d, String difference) {
        lines.add(d.at() + ": " + d.text() + ": converted approximately: " + difference);
    }

    /** Every warning line, {@code file:line: directive: ...}. */
    public List<String> lines() {
        return List.copyOf(lines);
    }
}

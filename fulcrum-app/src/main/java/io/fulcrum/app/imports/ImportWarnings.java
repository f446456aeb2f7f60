package io.fulcrum.app.imports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The directives (or parts of them) an import did not convert, each with its place and the
 * reason, in the order they were found. Every directive of the source is either converted or
 * named here: nothing is dropped silently.
 */
public final class ImportWarnings {

    /** One warning with its place, so they can be listed in file order. */
    private record Warning(SourceLocation at, String line) {
    }

    private final List<Warning> warnings = new ArrayList<>();

    /** The whole directive was not converted. */
    public void notConverted(Directive d, String reason) {
        add(d, d.text() + ": not converted: " + reason);
    }

    /** One part of a directive (a parameter, an argument) was not converted; the rest was. */
    public void partNotConverted(Directive d, String part, String reason) {
        add(d, d.name() + " ... " + part + ": not converted: " + reason);
    }

    /** The directive was converted, but not exactly: how Fulcrum's behaviour differs. */
    public void approximated(Directive d, String difference) {
        add(d, d.text() + ": converted approximately: " + difference);
    }

    private void add(Directive d, String text) {
        warnings.add(new Warning(d.at(), d.at() + ": " + text.replace('\n', ' ')));
    }

    /** Every warning line, {@code file:line: directive: ...}, in the order of the lines they are about. */
    public List<String> lines() {
        return warnings.stream()
                .sorted(Comparator.comparingInt((Warning w) -> w.at().line()))
                .map(Warning::line)
                .toList();
    }
}

package io.fulcrum.core.extension;

/** The settings of an extension that has none: written as its name alone (or with an empty mapping). */
public record NoSettings() {
}

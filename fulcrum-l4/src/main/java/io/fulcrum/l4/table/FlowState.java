package io.fulcrum.l4.table;

/** State of a tracked flow: ACTIVE until one side sends FIN, then FIN until it closes. */
public enum FlowState {
    ACTIVE, FIN
}

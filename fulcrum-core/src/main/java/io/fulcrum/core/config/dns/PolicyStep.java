package io.fulcrum.core.config.dns;

import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

/**
 * A step of a GSLB policy chain ({@code dns.gslb[].policy}), registered by name: its
 * role in the chain, its settings and their validation. The DNS service (fulcrum-dns,
 * {@code SiteOrdering}) runs the built-in steps ({@link BuiltInPolicySteps}); a step it
 * has no implementation for is refused when the zones are compiled.
 *
 * @param <S> its settings
 */
@ExtensionPoint("GSLB policy step")
public interface PolicyStep<S extends Record> extends ExtensionFactory<S> {

    /** What a step does to the sites. */
    enum Role {
        /** Leaves sites out. */
        FILTER,
        /** Orders the sites (chained: a later ordering step breaks the ties of an earlier one). */
        ORDER,
        /** Shares the first place among the best sites; at most one per chain. */
        SPREAD,
        /** Keeps a client on the site it was given. */
        REMEMBER
    }

    /** Its role in the chain. */
    Role role();

    /** The registry of policy steps, the one owner of their names. */
    static ExtensionRegistry<PolicyStep<?>> registry() {
        return ExtensionRegistry.of(PolicyStep.class);
    }
}

package io.fulcrum.gslb.site;

import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.gslb.PeerConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.gslb.peer.PeerKey;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code gslb:} section turned into runtime form: the peers with their
 * resolved addresses and keys (secret files read here, once per apply), and the
 * top-level {@code sites:} the section's names refer to.
 *
 * @param config the section as written
 * @param sites  every site with its VIPs (the top-level {@code sites:} list)
 * @param peers  the peers, in configuration order
 */
public record GslbSettings(GslbConfig config, List<SiteConfig> sites, List<Peer> peers) {

    /**
     * One peer ready to talk to.
     *
     * @param site      its site
     * @param address   where its site-state listener is
     * @param intervalMillis UPDATE interval; 0 for none
     * @param key       the shared key
     */
    public record Peer(String site, InetSocketAddress address, long intervalMillis, PeerKey key) {
    }

    /** Resolves the section, with the sites it refers to. */
    public static GslbSettings of(GslbConfig config, List<SiteConfig> sites) throws IOException {
        List<Peer> peers = new java.util.ArrayList<>();
        for (PeerConfig p : config.peers()) {
            peers.add(new Peer(p.site(), p.address().socketAddress(), p.interval().toMillis(),
                    new PeerKey(p.keyId(), p.site(), secret(p))));
        }
        return new GslbSettings(config, List.copyOf(sites), List.copyOf(peers));
    }

    /** This node's site. */
    public String self() {
        return config.site();
    }

    /** The keys by key id. */
    public Map<String, PeerKey> keys() {
        Map<String, PeerKey> m = new LinkedHashMap<>();
        for (Peer p : peers) {
            m.put(p.key().keyId(), p.key());
        }
        return m;
    }

    /** The peer of this site, or {@code null}. */
    public Peer peer(String site) {
        for (Peer p : peers) {
            if (p.site().equals(site)) {
                return p;
            }
        }
        return null;
    }

    /** This node's own site. */
    public SiteConfig ownSite() {
        return site(config.site());
    }

    /** The site with this name, or {@code null}. */
    public SiteConfig site(String name) {
        return SiteConfig.named(sites, name);
    }

    private static byte[] secret(PeerConfig p) throws IOException {
        if (p.secret() != null) {
            return p.secret().getBytes(StandardCharsets.UTF_8);
        }
        List<String> lines = Files.readAllLines(Path.of(p.secretFile()), StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.getFirst().strip().isEmpty()) {
            throw new IOException("gslb peer " + p.site() + ": secret file " + p.secretFile() + " is empty");
        }
        return lines.getFirst().strip().getBytes(StandardCharsets.UTF_8);
    }
}

package io.fulcrum.dns.testing;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.dns.DnsService;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A real DNS service on a loopback port chosen by the OS, configured from the YAML of a
 * {@code dns:} section (read by the real configuration loader), with the clients the
 * tests drive: {@code dig}, {@code kdig} and a dnsjava resolver.
 */
public final class DnsTestServer implements AutoCloseable {

    /** The proxy part every configuration needs; never started here. */
    private static final String PREAMBLE = """
            listeners: [{name: l, bind: "127.0.0.1:1", routes: [{name: r, pool: p}]}]
            pools: [{name: p, backends: [{address: "127.0.0.1:2"}]}]
            """;

    private final DnsService service;
    private final int port;

    private DnsTestServer(DnsService service) {
        this.service = service;
        this.port = service.boundAddresses().getFirst().getPort();
    }

    /** Starts a server for this {@code dns:} section (its listen address is replaced by 127.0.0.1:0). */
    public static DnsTestServer start(String dnsYaml) throws Exception {
        return start(dnsYaml, SiteStateView.unknown());
    }

    /** Starts a server reading this site state. */
    public static DnsTestServer start(String dnsYaml, SiteStateView view) throws Exception {
        DnsService service = new DnsService(null);
        service.siteState(view);
        service.start(config(dnsYaml));
        return new DnsTestServer(service);
    }

    /** The configuration of a {@code dns:} section, listening on 127.0.0.1:0. */
    public static FulcrumConfig config(String dnsYaml) throws Exception {
        FulcrumConfig c = ConfigLoader.parse(PREAMBLE + dnsYaml, "test.yaml");
        DnsConfig d = c.dns();
        DnsConfig local = new DnsConfig(List.of(HostPort.of("127.0.0.1", 0)), d.threads(), d.udpPayloadSize(), d.geoDatabase(),
                d.stickyEntries(), d.zones(), d.gslb(), d.warmUp());
        return FulcrumConfigBuilder.config()
                .server(c.server())
                .accessLog(c.accessLog())
                .listeners(c.listeners())
                .pools(c.pools())
                .dns(local)
                .sites(c.sites())
                .build();
    }

    /** Applies a new {@code dns:} section (the listen address stays the same port). */
    public void apply(String dnsYaml) throws Exception {
        FulcrumConfig c = config(dnsYaml);
        DnsConfig d = c.dns();
        DnsConfig same = new DnsConfig(List.of(HostPort.of("127.0.0.1", 0)), d.threads(), d.udpPayloadSize(), d.geoDatabase(),
                d.stickyEntries(), d.zones(), d.gslb(), d.warmUp());
        service.apply(FulcrumConfigBuilder.config()
                .server(c.server())
                .accessLog(c.accessLog())
                .listeners(c.listeners())
                .pools(c.pools())
                .dns(same)
                .sites(c.sites())
                .build());
    }

    public DnsService service() {
        return service;
    }

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** A dnsjava resolver aimed at this server (UDP, EDNS off unless set). */
    public SimpleResolver resolver() throws IOException {
        SimpleResolver r = new SimpleResolver(address());
        r.setTimeout(Duration.ofSeconds(3));
        return r;
    }

    /** Asks with dnsjava. */
    public Message query(String name, int type) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        return resolver().send(q);
    }

    /** Asks with dnsjava over TCP. */
    public Message queryTcp(String name, int type) throws IOException {
        SimpleResolver r = resolver();
        r.setTCP(true);
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    /** Runs {@code dig @127.0.0.1 -p PORT args...} and returns its output. */
    public String dig(String... args) throws Exception {
        return Tools.run(Tools.with(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=3"),
                args));
    }

    /** Runs {@code kdig @127.0.0.1 -p PORT args...}. */
    public String kdig(String... args) throws Exception {
        return Tools.run(Tools.with(List.of("kdig", "@127.0.0.1", "-p", String.valueOf(port), "+retry=0",
                "+time=3"), args));
    }

    /** Runs kdig as {@link #kdig} and returns its output whatever its exit status (1 after an error reply). */
    public String kdigAnyExit(String... args) throws Exception {
        return Tools.output(Tools.with(List.of("kdig", "@127.0.0.1", "-p", String.valueOf(port), "+retry=0",
                "+time=3"), args));
    }

    /** Type number of a mnemonic. */
    public static int type(String mnemonic) {
        return Type.value(mnemonic);
    }

    @Override
    public void close() {
        service.close();
    }
}

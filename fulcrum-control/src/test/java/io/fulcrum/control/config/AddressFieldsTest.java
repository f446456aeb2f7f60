package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every address field of the configuration is a {@link HostPort} bound by the loader: a
 * well-formed one (IPv6 in brackets included) arrives parsed, a malformed one is refused with
 * file, line, column and field, whichever section it is in.
 */
class AddressFieldsTest {

    /** One configuration with an address in every section that has one; {@code %s} marks each. */
    private static final String TEMPLATE = """
            listeners:
              - name: web
                bind: "%s"
                routes: [{name: all, pool: app}]
            pools:
              - name: app
                backends:
                  - name: b1
                    address: "%s"
                health:
                  agent:
                    addresses:
                      b1: "%s"
            sites:
              - name: a
                vips: [{address: "%s", listener: web}]
              - name: b
                vips: [{address: "10.0.2.1:80"}]
            gslb:
              site: a
              bind: "%s"
              peers:
                - site: b
                  address: "%s"
                  secret: "0123456789abcdef0123"
            dns:
              listen: ["%s"]
              zones:
                - name: example.test
                  records: [{name: www, type: A, value: 192.0.2.1}]
            admin:
              bind: "%s"
            """;

    private static final String[] GOOD = {"[::1]:8080", "[fd00::5]:9000", "[fd00::5]:9110", "[2001:db8::1]:80",
        "[::]:4790", "[fd00::2]:4790", "[::1]:5353", "[::1]:9900"};

    /** The index in {@link #GOOD} of the site VIP, whose port may be left out. */
    private static final int VIP = 3;

    /** Where each address sits: its field path and the line of its value in {@link #TEMPLATE}. */
    private static final String[] PATHS = {"listeners[0].bind", "pools[0].backends[0].address",
        "pools[0].health.agent.addresses.b1", "sites[0].vips[0].address", "gslb.bind",
        "gslb.peers[0].address", "dns.listen[0]", "admin.bind"};

    @Test
    void ipv6AddressesInBracketsArriveParsedInEverySection() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(TEMPLATE.formatted((Object[]) GOOD), "addresses.yaml");
        assertThat(c.listeners().getFirst().bind()).isEqualTo(HostPort.of("::1", 8080));
        assertThat(c.pools().getFirst().backends().getFirst().address()).isEqualTo(HostPort.of("fd00::5", 9000));
        assertThat(c.pools().getFirst().health().agent().addresses().get("b1")).isEqualTo(HostPort.of("fd00::5", 9110));
        assertThat(c.gslb().bind()).isEqualTo(HostPort.of("::", 4790));
        assertThat(c.sites().getFirst().vips().getFirst().address()).hasToString("[2001:db8::1]:80");
        assertThat(c.gslb().peers().getFirst().address()).isEqualTo(HostPort.of("fd00::2", 4790));
        assertThat(c.dns().listen()).containsExactly(HostPort.of("::1", 5353));
        assertThat(c.admin().bind()).isEqualTo(HostPort.of("::1", 9900));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "missing port        | 127.0.0.1            | missing port: write host:port",
        "port out of range   | 127.0.0.1:65536      | the port must be between 1 and 65535 (got 65536)",
        "IPv6 without [ ]    | fd00::1:80           | an IPv6 address needs brackets: write [fd00::1]:80",
        "unclosed bracket    | [fd00::1:80          | missing ] after the IPv6 address",
        "bad IPv6 literal    | [fd00::zz]:80        | invalid IPv6 address \"fd00::zz\"",
        "bracket, no port    | [::1]                | missing port: write host:port, e.g. [::1]:8080",
        "a URL               | http://10.0.0.1:80/  | write host:port, not a URL: 10.0.0.1:80",
    })
    void aMalformedAddressIsRefusedAtItsLineAndFieldInEverySection(String why, String bad, String message)
            throws Exception {
        Path file = Files.createTempFile("addresses", ".yaml");
        try {
            for (int i = 0; i < GOOD.length; i++) {
                if (i == VIP && List.of("missing port", "IPv6 without [ ]", "bracket, no port").contains(why)) {
                    continue; // a VIP may leave its port out: these are hosts alone there (see below)
                }
                Object[] values = GOOD.clone();
                values[i] = bad;
                String yaml = TEMPLATE.formatted(values);
                Files.writeString(file, yaml);
                String path = PATHS[i];
                int line = lineOfNth(yaml, "\"" + bad + "\"", 0);
                int column = yaml.lines().toList().get(line - 1).indexOf("\"" + bad + "\"") + 1;
                assertThatThrownBy(() -> ConfigLoader.load(file))
                        .isInstanceOfSatisfying(ConfigException.class, e -> {
                            assertThat(e.errors()).as(path).hasSize(1);
                            ConfigError err = e.errors().getFirst();
                            assertThat(err.path()).isEqualTo(path);
                            assertThat(err.line()).as(path).isEqualTo(line);
                            assertThat(err.column()).as(path).isEqualTo(column);
                            assertThat(err.message()).as(path).contains(message);
                            assertThat(e.getMessage()).contains(file + ":" + line + ":" + column + ": " + path + ": ");
                        });
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void onlyAnAddressListenedOnMayNameEveryInterface() {
        String yaml = TEMPLATE.formatted("0.0.0.0:8080", "0.0.0.0:9000", "[::]:9110", "10.0.1.1:80",
                "0.0.0.0:4790", "[::]:4790", "0.0.0.0:5353", "[::1]:9900");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "wild.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("pools[0].backends[0].address",
                                "pools[0].health.agent.addresses.b1", "gslb.peers[0].address"));
    }

    @Test
    void portZeroIsAnyFreePortOnlyWhereFulcrumListensAndNotForAProxyListener() {
        String yaml = TEMPLATE.formatted("127.0.0.1:0", "10.0.1.1:0", "10.0.1.1:0", "10.0.1.1:80",
                "127.0.0.1:0", "10.0.2.2:0", "127.0.0.3:0", "127.0.0.1:0");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "zero.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("listeners[0].bind", "pools[0].backends[0].address",
                                "pools[0].health.agent.addresses.b1", "gslb.peers[0].address"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.10          | 192.0.2.10    | 192.0.2.10:80",
        "2001:db8::1         | 2001:db8::1   | [2001:db8::1]:80",
        "[2001:db8::1]       | 2001:db8::1   | [2001:db8::1]:80",
        "fd00::1:80          | fd00::1:80    | [fd00::1:80]:80",
        "vip.example.test    | vip.example.test | vip.example.test:80",
        "192.0.2.10:8443     | 192.0.2.10    | 192.0.2.10:8443",
    })
    void aSiteVipMayLeaveItsPortOutAndIsThenCheckedOnPort80(String written, String host, String endpoint)
            throws Exception {
        Object[] values = GOOD.clone();
        values[VIP] = written;
        FulcrumConfig c = ConfigLoader.parse(TEMPLATE.formatted(values), "vip.yaml");
        var vip = c.sites().getFirst().vips().getFirst();
        assertThat(vip.address().host()).isEqualTo(host);
        assertThat(vip.endpoint()).hasToString(endpoint);
        // The redirect hand-off goes where the checks go.
        assertThat(c.sites().getFirst().redirectBase()).isEqualTo("http://" + endpoint);
    }

    @Test
    void aNumberWhereAnAddressBelongsSaysWhatIsExpected() {
        String yaml = TEMPLATE.formatted((Object[]) GOOD).replace("bind: \"[::1]:9900\"", "bind: 9900");
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "n.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    ConfigError err = e.errors().getFirst();
                    assertThat(err.path()).isEqualTo("admin.bind");
                    assertThat(err.message()).isEqualTo(
                            "expected host:port (e.g. 10.0.0.5:8080, [::1]:53), got the number 9900");
                });
    }

    private static int lineOfNth(String yaml, String needle, int n) {
        List<String> lines = yaml.lines().toList();
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle) && seen++ == n) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not in the file");
    }
}

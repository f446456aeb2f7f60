package io.fulcrum.scale.provision;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.provision.ProvisionerFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the {@code process} provisioner's settings refuse, each at its field. */
class ProcessSettingsValidationTest {

    private final ProcessProvisionerFactory factory = new ProcessProvisionerFactory();

    @Test
    void theDefaultsNeedOnlyACommand() {
        ProcessSettings s = new ProcessSettings(List.of("app", "--port", "{port}"), null, null, null, null, null,
                null, null, null, null, null, null);

        assertThat(factory.validate(s)).isEmpty();
        assertThat(s.address()).isEqualTo("127.0.0.1");
        assertThat(s.ports()).isEqualTo("20000-29999");
        assertThat(s.stopGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxRestarts()).isEqualTo(5);
    }

    @Test
    void noCommandIsRefusedAndSoAreBothForms() {
        assertThat(problems(new ProcessSettings(null, null, null, null, null, null, null, null, null, null, null, null)))
                .containsExactly("command: a command is required: the program and its arguments as a list, like "
                        + "[python3, -m, http.server, \"{port}\"] (or shell: a line for /bin/sh -c)");
        assertThat(problems(new ProcessSettings(List.of("app"), "app", null, null, null, null, null, null, null, null,
                null, null))).containsExactly("shell: give command or shell, not both");
    }

    @Test
    void anUnknownPlaceholderIsRefusedWhereItIsWritten() {
        ProcessSettings s = new ProcessSettings(List.of("app", "--port={prot}", ""), null, null, null, null,
                Map.of("HOME_DIR", "/srv/{nmae}", "A=B", "x"), null, null, null, null, null, null);

        assertThat(problems(s)).containsExactlyInAnyOrder(
                "command[1]: unknown placeholder {prot}; known: {port}, {name}, {address}, {pool}, {generation}",
                "command[2]: an empty argument",
                "environment.HOME_DIR: unknown placeholder {nmae}; known: {port}, {name}, {address}, {pool}, {generation}",
                "environment: not a variable name: 'A=B'");
    }

    @Test
    void theAddressMustBeOneOfThisMachineAndNoWildcard() {
        assertThat(problems(withAddress("0.0.0.0"))).singleElement().asString().startsWith("address: members are reached "
                + "at this address, so it cannot be the wildcard 0.0.0.0");
        assertThat(problems(withAddress("localhost"))).singleElement().asString()
                .startsWith("address: expected an IP address of this machine, like 127.0.0.1 or ::1 (got 'localhost')");
        // TEST-NET-3, documentation only: no interface of a test machine has it.
        assertThat(problems(withAddress("203.0.113.9"))).containsExactly("address: 203.0.113.9 is not an address of this machine");
        assertThat(problems(withAddress("::1"))).isEmpty();
    }

    @Test
    void portsDurationsAndRestartsAreChecked() {
        ProcessSettings s = new ProcessSettings(List.of("app"), null, null, "30000-20000", "/no/such/directory", null,
                Duration.ZERO, null, -1, null, Duration.ofMinutes(2), null);

        assertThat(problems(s)).containsExactlyInAnyOrder(
                "ports: expected a range of ports LOW-HIGH within 1-65535, like 20000-29999 (got 30000-20000)",
                "workingDirectory: no such directory: /no/such/directory",
                "stopGrace: must be longer than 0 (got PT0S)",
                "maxRestarts: must be 0 or more (got -1)",
                "restartBackoff: must not be longer than restartBackoffMax (PT30S; got PT2M)");
        assertThat(problems(new ProcessSettings(List.of("app"), null, null, "many", null, null, null, null, null, null,
                null, null))).containsExactly("ports: expected a range of ports LOW-HIGH, like 20000-29999 (got 'many')");
    }

    @Test
    void theRegistryReportsProblemsUnderTheProvisionersName() {
        ExtensionConfig<ProvisionerFactory<?>> chosen = new ExtensionConfig<>("process",
                new ProcessSettings(List.of("app", "{bad}"), null, null, null, null, null, null, null, null, null, null, null));

        assertThat(ProvisionerFactory.registry().validate(chosen)).extracting(InvalidFieldException::field)
                .containsExactly("process.command[1]");
        assertThat(ProvisionerFactory.registry().validate(ExtensionConfig.of("proces")))
                .extracting(InvalidFieldException::reason).singleElement().asString()
                .startsWith("unknown provisioner \"proces\"; known: ").contains("process");
    }

    private static ProcessSettings withAddress(String address) {
        return new ProcessSettings(List.of("app"), null, address, null, null, null, null, null, null, null, null, null);
    }

    private List<String> problems(ProcessSettings s) {
        return factory.validate(s).stream().map(InvalidFieldException::getMessage).toList();
    }
}

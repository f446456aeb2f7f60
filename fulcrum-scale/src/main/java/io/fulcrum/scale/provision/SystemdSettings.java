package io.fulcrum.scale.provision;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of the {@code systemd} provisioner ({@code provisioner: {systemd: {...}}}): each
 * member is a transient service unit {@code fulcrum-<pool>-<generation>.service} started with
 * {@code systemd-run}. Placeholders ({@code {port}}, {@code {name}}, {@code {address}},
 * {@code {pool}}, {@code {generation}}) are replaced in the command and the environment's values.
 *
 * @param command          the program and its arguments, one list entry each
 * @param address          the address members listen on and are reached at; default {@code 127.0.0.1}
 * @param ports            the ports members are given, {@code LOW-HIGH}; default {@value PortRange#DEFAULT}
 * @param workingDirectory where the command runs ({@code --working-directory}); default the manager's
 * @param environment      variables set for the command ({@code --setenv})
 * @param properties       more unit properties, each {@code Name=value} ({@code -p}), e.g. {@code MemoryMax=512M}
 * @param user             the user the service runs as ({@code --uid}); default the manager's
 * @param userManager      true: the user's own service manager ({@code --user}) rather than the system's
 * @param stopGrace        time between SIGTERM and SIGKILL on stop ({@code TimeoutStopSec}); default 10 s
 * @param restartDelay     wait before systemd restarts a member that exited ({@code RestartSec}); default 1 s
 */
public record SystemdSettings(List<String> command, String address, String ports, String workingDirectory,
                              Map<String, String> environment, List<String> properties, String user,
                              Boolean userManager, Duration stopGrace, Duration restartDelay) {

    public SystemdSettings {
        command = command == null ? List.of() : List.copyOf(command);
        address = address == null ? "127.0.0.1" : address;
        ports = ports == null ? PortRange.DEFAULT : ports;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        properties = properties == null ? List.of() : List.copyOf(properties);
        userManager = userManager != null && userManager;
        stopGrace = stopGrace == null ? Duration.ofSeconds(10) : stopGrace;
        restartDelay = restartDelay == null ? Duration.ofSeconds(1) : restartDelay;
    }
}

package io.fulcrum.scale.provision;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of the {@code process} provisioner ({@code provisioner: {process: {...}}}).
 * Exactly one of {@code command} and {@code shell} is given. Placeholders
 * ({@code {port}}, {@code {name}}, {@code {address}}, {@code {pool}}, {@code {generation}}) are
 * replaced in the command, the shell line and the environment's values.
 *
 * @param command          the program and its arguments, one list entry each (no shell: nothing is
 *                         split or quoted), e.g. {@code [python3, -m, http.server, "{port}", --bind, "{address}"]}
 * @param shell            instead of {@code command}: one line run by {@code /bin/sh -c}
 * @param address          the address members listen on and are reached at, an IP address of this
 *                         machine; default {@code 127.0.0.1}
 * @param ports            the ports members are given, {@code LOW-HIGH}; default {@value PortRange#DEFAULT}
 * @param workingDirectory where the command runs; default the node's working directory
 * @param environment      variables added to the node's environment for the command
 * @param stopGrace        how long a member has to exit after SIGTERM before SIGKILL; default 10 s
 * @param readyTimeout     how long a restarted member has to listen; default 60 s (a start has its deadline)
 * @param maxRestarts      most restarts of one member within {@code restartWindow}; beyond, it is left
 *                         down (for the scaler to replace); default 5; 0 never restarts
 * @param restartWindow    the window {@code maxRestarts} counts in; default 10 min
 * @param restartBackoff   the wait before the first restart, doubled for each further exit in the window; default 1 s
 * @param restartBackoffMax the longest wait before a restart; default 30 s
 */
public record ProcessSettings(List<String> command, String shell, String address, String ports,
                              String workingDirectory, Map<String, String> environment, Duration stopGrace,
                              Duration readyTimeout, Integer maxRestarts, Duration restartWindow,
                              Duration restartBackoff, Duration restartBackoffMax) {

    public ProcessSettings {
        command = command == null ? List.of() : List.copyOf(command);
        address = address == null ? "127.0.0.1" : address;
        ports = ports == null ? PortRange.DEFAULT : ports;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        stopGrace = stopGrace == null ? Duration.ofSeconds(10) : stopGrace;
        readyTimeout = readyTimeout == null ? Duration.ofSeconds(60) : readyTimeout;
        maxRestarts = maxRestarts == null ? 5 : maxRestarts;
        restartWindow = restartWindow == null ? Duration.ofMinutes(10) : restartWindow;
        restartBackoff = restartBackoff == null ? Duration.ofSeconds(1) : restartBackoff;
        restartBackoffMax = restartBackoffMax == null ? Duration.ofSeconds(30) : restartBackoffMax;
    }

    /** The argv template: {@code command}, or {@code /bin/sh -c <shell>}. */
    List<String> argvTemplate() {
        return shell != null ? List.of("/bin/sh", "-c", shell) : command;
    }
}

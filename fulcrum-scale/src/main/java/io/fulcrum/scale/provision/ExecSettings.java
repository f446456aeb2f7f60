package io.fulcrum.scale.provision;

import java.util.List;
import java.util.Map;

/**
 * The settings of the {@code exec} provisioner ({@code provisioner: {exec: {...}}}): one operator
 * program run for every action, told what to do by a JSON document on its standard input.
 *
 * @param command          the program and its arguments, one list entry each (no shell), e.g.
 *                         {@code [/etc/fulcrum/provision.sh]}; the action is also its last argument
 * @param workingDirectory where it runs; default the node's working directory
 * @param environment      variables added to the node's environment for it
 */
public record ExecSettings(List<String> command, String workingDirectory, Map<String, String> environment) {

    public ExecSettings {
        command = command == null ? List.of() : List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }
}

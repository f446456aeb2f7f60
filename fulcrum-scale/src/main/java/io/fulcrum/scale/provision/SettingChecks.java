package io.fulcrum.scale.provision;

import io.fulcrum.core.config.InvalidFieldException;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;

/**
 * The checks the provisioners' settings share, each adding what is wrong to a list of field errors:
 * a member address and port range (members of this machine), command-template placeholders, and
 * positive durations. One place, so that {@code process} and {@code systemd} refuse the same mistakes
 * with the same words.
 */
final class SettingChecks {

    private SettingChecks() {
    }

    /** An IP address of this machine that is not a wildcard ({@code address}), and a port range ({@code ports}). */
    static void memberAddress(String address, String ports, List<InvalidFieldException> out) {
        String addressProblem = addressProblem(address);
        if (addressProblem != null) {
            out.add(new InvalidFieldException("address", addressProblem));
        }
        try {
            PortRange.parse(ports);
        } catch (IllegalArgumentException e) {
            out.add(new InvalidFieldException("ports", e.getMessage()));
        }
    }

    /** Only known placeholders in {@code text}, the value of {@code field}. */
    static void placeholders(String field, String text, List<InvalidFieldException> out) {
        List<String> unknown = CommandTemplate.unknownPlaceholders(text);
        if (!unknown.isEmpty()) {
            out.add(new InvalidFieldException(field, CommandTemplate.unknownMessage(unknown)));
        }
    }

    /** A duration longer than 0. */
    static void positive(String field, Duration d, List<InvalidFieldException> out) {
        if (d.isNegative() || d.isZero()) {
            out.add(new InvalidFieldException(field, "must be longer than 0 (got " + d + ")"));
        }
    }

    /** Why members cannot listen on and be reached at {@code address}, or null when they can. */
    static String addressProblem(String address) {
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            return "expected an IP address of this machine, like 127.0.0.1 or ::1 (got '" + address + "')";
        }
        if (a.isAnyLocalAddress()) {
            return "members are reached at this address, so it cannot be the wildcard " + address
                    + "; give one address of this machine, like 127.0.0.1";
        }
        try {
            if (!a.isLoopbackAddress() && NetworkInterface.getByInetAddress(a) == null) {
                return address + " is not an address of this machine";
            }
        } catch (SocketException e) {
            return "cannot tell whether " + address + " is an address of this machine: " + e.getMessage();
        }
        return null;
    }
}

package io.fulcrum.app;

import picocli.CommandLine.IVersionProvider;

/**
 * Fulcrum's version as recorded in the jar manifest ({@code Implementation-Version}),
 * or {@code dev} when running from classes that were not packaged.
 */
public final class VersionProvider implements IVersionProvider {

    /** The version string alone, for example {@code 0.1.0} or {@code dev}. */
    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
                "fulcrum " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name", "unknown VM") + ")"
        };
    }
}

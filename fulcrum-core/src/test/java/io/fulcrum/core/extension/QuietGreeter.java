package io.fulcrum.core.extension;

/** A greeter with no settings, registered in this test class path's META-INF/services file. */
public final class QuietGreeter implements GreeterFactory<QuietGreeter.Settings> {

    /** No settings. */
    public record Settings() {
    }

    @Override
    public String name() {
        return "quiet";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String greet(Settings s, String who) {
        return who;
    }
}

package io.fulcrum.app.testext;

import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.health.check.CheckResult;
import io.fulcrum.health.check.HealthCheck;
import io.fulcrum.health.check.HealthCheckFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A check type written outside Fulcrum's packages and registered only by this test
 * class path's {@code META-INF/services/io.fulcrum.core.config.health.CheckType}: a
 * backend passes while a file named after its port exists in {@code directory}.
 */
public final class FlagFileCheck implements HealthCheckFactory<FlagFileCheck.Settings> {

    /**
     * @param directory where the flag files are (required)
     */
    public record Settings(String directory) {
    }

    @Override
    public String name() {
        return "flag-file";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public List<InvalidFieldException> validate(Settings s) {
        return s.directory() == null || s.directory().isBlank()
                ? List.of(new InvalidFieldException("directory", "required: where the flag files are"))
                : List.of();
    }

    @Override
    public HealthCheck create(Settings s, Duration timeout) {
        Path directory = Path.of(s.directory());
        return (host, port) -> Files.exists(directory.resolve(Integer.toString(port)))
                ? new CheckResult(true, false, "flag present", -1, -1, -1, 0, -1)
                : CheckResult.failed("no flag for port " + port, 0);
    }
}

package dev.storesync.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.util.List;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * In dev mode, when no {@code STORESYNC_DB_URL} is configured, provides one that points at an
 * embedded PostgreSQL started on first use. The embedded server library is a {@code provided}
 * dependency: it is on the dev-mode and test class paths but not in the packaged application, so
 * a production build can never start a database of its own.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {

    static final String URL = "STORESYNC_DB_URL";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("dev") || isConfigured(context.getValue(URL))
                || !EmbeddedDevDatabase.libraryPresent()) {
            return List.of();
        }
        return List.of(new EmbeddedDatabaseConfigSource());
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(50);
    }

    private static boolean isConfigured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}

package dev.storesync.devdb;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** Lazily starts the embedded dev database the first time its address is asked for. */
final class EmbeddedDatabaseConfigSource implements ConfigSource {

    private static final Set<String> NAMES = Set.of(
            EmbeddedDatabaseConfigSourceFactory.URL, "STORESYNC_DB_USER", "STORESYNC_DB_PASSWORD");

    @Override
    public Set<String> getPropertyNames() {
        return NAMES;
    }

    @Override
    public String getValue(String propertyName) {
        return switch (propertyName) {
            case EmbeddedDatabaseConfigSourceFactory.URL -> EmbeddedDevDatabase.url();
            case "STORESYNC_DB_USER" -> "postgres";
            case "STORESYNC_DB_PASSWORD" -> "postgres";
            default -> null;
        };
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public int getOrdinal() {
        return 50;
    }

    @Override
    public String getName() {
        return "storesync-embedded-dev-database";
    }
}

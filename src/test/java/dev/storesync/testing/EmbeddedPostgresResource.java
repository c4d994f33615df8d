package dev.storesync.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The test database. By default an embedded PostgreSQL in a temporary directory; set
 * {@code STORESYNC_TEST_DB_URL} (e.g. {@code postgresql://localhost:5432/storesync_test}) with
 * {@code STORESYNC_TEST_DB_USER}/{@code STORESYNC_TEST_DB_PASSWORD} to run against a server.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;
    private Path dataDir;
    private int port;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("STORESYNC_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return Map.of(
                    "STORESYNC_DB_URL", external,
                    "STORESYNC_DB_USER", System.getenv().getOrDefault("STORESYNC_TEST_DB_USER", "postgres"),
                    "STORESYNC_DB_PASSWORD", System.getenv().getOrDefault("STORESYNC_TEST_DB_PASSWORD", ""));
        }
        try {
            dataDir = Files.createTempDirectory("storesync-test-pg");
            postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start();
            port = postgres.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DatabaseControl.register(this::stopServer, this::startServer);
        return Map.of(
                "STORESYNC_DB_URL", "postgresql://localhost:" + port + "/postgres",
                "STORESYNC_DB_USER", "postgres",
                "STORESYNC_DB_PASSWORD", "postgres");
    }

    private synchronized void stopServer() {
        try {
            if (postgres != null) {
                postgres.close();
                postgres = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void startServer() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                        .setPort(port).start();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        stopServer();
        DatabaseControl.unregister();
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp directory is harmless
            }
        }
    }
}

package dev.storesync.bench;

import dev.storesync.platform.fake.FakePlatform;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;

/**
 * Platform sync benchmark driver; run by {@code bench/platform-sync.sh}, which documents the knobs.
 * Starts the fake platform in this JVM on {@code FAKE_PORT} with {@code LATENCY_MS} per request,
 * fills it with {@code ORDERS} approved orders of 2–4 POs each (seeded), then asks a running
 * StoreSync for a full sync and a re-sync through {@code POST /platform/orders/sync}, waiting for
 * each run's end. Reports wall time, the run's counts, requests the platform received and the most
 * it answered at once, and (with {@code PG_URL}) the rows the re-sync wrote, by row version.
 */
public final class PlatformSyncBench {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String adminKey;

    private PlatformSyncBench(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl;
        this.adminKey = adminKey;
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = env("BASE_URL", null).replaceAll("/$", "");
        if (!baseUrl.matches("http://(127\\.[0-9.]+|localhost|\\[::1])(:\\d+)?")) {
            throw new IllegalArgumentException("BASE_URL must be a loopback http URL, was " + baseUrl);
        }
        int orders = Integer.parseInt(env("ORDERS", "5000"));
        int latency = Integer.parseInt(env("LATENCY_MS", "50"));
        String pgUrl = System.getenv("PG_URL");
        PlatformSyncBench bench = new PlatformSyncBench(baseUrl, env("ADMIN_KEY", null));
        try (FakePlatform platform = new FakePlatform(env("PLATFORM_TOKEN", "bench-platform-token"))
                .start(Integer.parseInt(env("FAKE_PORT", null)))) {
            Random random = new Random(11);
            int pos = 0;
            for (int i = 1; i <= orders; i++) {
                String number = String.format(Locale.ROOT, "B%05d", i);
                FakePlatform.Order order = platform.addOrder(number, "approved");
                int n = 2 + random.nextInt(3);
                for (int p = 1; p <= n; p++) {
                    order.po(number + "-" + p, "Supplier " + random.nextInt(40));
                }
                pos += n;
            }
            platform.latency(Duration.ofMillis(latency));
            System.out.printf(Locale.ROOT, "== fake platform: %d orders, %d POs, %d ms per request%n", orders, pos, latency);

            bench.phase("full sync", platform);
            long xid = pgUrl == null ? -1 : currentXid(pgUrl);
            bench.phase("re-sync (nothing changed)", platform);
            if (pgUrl != null) {
                System.out.printf(Locale.ROOT, "   rows written by the re-sync: platform_orders %d, purchase_orders %d, "
                        + "outbox_events %d%n", writtenSince(pgUrl, "platform_orders", xid),
                        writtenSince(pgUrl, "purchase_orders", xid), writtenSince(pgUrl, "outbox_events", xid));
            }
        }
    }

    private void phase(String name, FakePlatform platform) throws Exception {
        int requestsBefore = platform.requestCount();
        platform.resetMaxInFlight();
        Instant start = Instant.now();
        JsonObject accepted = new JsonObject(send("POST", "/platform/orders/sync", "{\"fullResync\": true}", 202));
        long runId = accepted.getLong("runId");
        JsonObject run;
        while (true) {
            run = new JsonObject(send("GET", "/platform/orders/sync/runs/" + runId, null, 200));
            if (!"running".equals(run.getString("outcome"))) {
                break;
            }
            Thread.sleep(200);
        }
        Duration wall = Duration.between(start, Instant.now());
        Duration inService = Duration.between(Instant.parse(run.getString("startedAt")), Instant.parse(run.getString("finishedAt")));
        System.out.printf(Locale.ROOT, "== %s: run %d %s%n   wall %.1f s (run started→finished %.1f s), requests %d, at most %d "
                + "in flight%n   fetched %d, upserted %d, unchanged %d, excluded %d, errors %d%n", name, runId,
                run.getString("outcome"), wall.toMillis() / 1000.0, inService.toMillis() / 1000.0,
                platform.requestCount() - requestsBefore, platform.maxInFlight(), run.getInteger("fetched"),
                run.getInteger("upserted"), run.getInteger("unchanged"), run.getInteger("excluded"), run.getInteger("errors"));
    }

    private String send(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30));
        request = body == null ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static long currentXid(String pgUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgUrl); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT txid_current()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows whose current version was written by a transaction after {@code xid} (a fresh cluster: no wraparound). */
    private static long writtenSince(String pgUrl, String table, long xid) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgUrl); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE xmin::text::bigint > " + xid)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        if ((value == null || value.isBlank()) && fallback == null) {
            throw new IllegalArgumentException("Set " + name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}

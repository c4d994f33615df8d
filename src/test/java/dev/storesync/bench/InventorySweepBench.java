package dev.storesync.bench;

import dev.storesync.shopify.sim.Faults;
import dev.storesync.shopify.sim.RecordedRequest;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimInventoryItem;
import dev.storesync.shopify.sim.SimShop;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * Inventory sweep and live-update benchmark driver; run by {@code bench/inventory-sweep.sh}, which
 * documents the knobs. Starts the Shopify simulator in this JVM with an owner and P partner shops
 * (each with the given cost bucket, Standard by default), M mapped items per partner, registered in
 * a running StoreSync through its admin API. A warm-up sweep brings every owner item in line. Each
 * measured sweep first changes a share of the owner's levels (as sales or hand edits at the owner
 * would; owner changes fire no partner webhooks, so live updates do not pre-empt the sweep), then
 * runs Sync Now and reports calls against the minimum, points charged, THROTTLED answers and wall
 * time against points ÷ restore rate. Then partner levels are changed one by one at a steady rate
 * and the time from the change to the owner level being equal is measured (live updates).
 */
public final class InventorySweepBench {

    private record Config(String baseUrl, String adminKey, String clientId, String clientSecret, int simPort,
            int partners, int mappings, double changed, int runs, int bucketMax, int bucketRestore, int liveUpdates,
            double liveRate) {

        static Config fromEnv() {
            String baseUrl = env("BASE_URL", null);
            if (!baseUrl.matches("http://(127\\.[0-9.]+|localhost|\\[::1])(:\\d+)?/?")) {
                throw new IllegalArgumentException("BASE_URL must be a loopback http URL, was " + baseUrl);
            }
            String[] bucket = env("BUCKET", "2000/100").split("/");
            return new Config(baseUrl.replaceAll("/$", ""), env("ADMIN_KEY", null), env("CLIENT_ID", "bench-client-id"),
                    env("CLIENT_SECRET", null), Integer.parseInt(env("SIM_PORT", null)),
                    Integer.parseInt(env("PARTNERS", "30")), Integer.parseInt(env("MAPPINGS", "300")),
                    Double.parseDouble(env("CHANGED", "0.10")), Integer.parseInt(env("RUNS", "1")),
                    Integer.parseInt(bucket[0]), Integer.parseInt(bucket[1]),
                    Integer.parseInt(env("LIVE_UPDATES", "60")), Double.parseDouble(env("LIVE_RATE", "2")));
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            if ((value == null || value.isBlank()) && fallback == null) {
                throw new IllegalArgumentException("Set " + name);
            }
            return value == null || value.isBlank() ? fallback : value;
        }
    }

    private record Partner(long id, SimShop shop, List<SimInventoryItem> items, List<SimInventoryItem> ownerItems) {
    }

    private final Config config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random = new Random(7);
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    private InventorySweepBench(Config config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.fromEnv();
        System.setProperty("sun.net.httpserver.nodelay", "true");
        ShopifySimulator sim = new ShopifySimulator(config.clientId(), config.clientSecret()).start(config.simPort());
        sim.webhookBaseUrl(config.baseUrl());
        int exit;
        try {
            exit = new InventorySweepBench(config).run(sim);
        } finally {
            sim.stop();
        }
        System.exit(exit);
    }

    private int run(ShopifySimulator sim) throws Exception {
        log("simulator %s, service %s: %d partners x %d mappings, %.0f %% changed per sweep, %d measured sweep(s), "
                + "bucket %d/%d per s, %d live updates at %.1f/s", sim.baseUrl(), config.baseUrl(), config.partners(),
                config.mappings(), config.changed() * 100, config.runs(), config.bucketMax(), config.bucketRestore(),
                config.liveUpdates(), config.liveRate());
        awaitReady();
        SimShop owner = shop(sim, "bench-owner-" + run);
        long ownerId = register(owner);
        admin("PUT", "/admin/inventory/owner", new JsonObject().put("shopId", ownerId), 200);

        long t = System.nanoTime();
        List<Partner> partners = new ArrayList<>();
        for (int p = 0; p < config.partners(); p++) {
            SimShop shop = shop(sim, "bench-partner-" + run + "-" + p);
            long shopId = register(shop);
            long partnerId = admin("POST", "/admin/inventory/partners", new JsonObject().put("shopId", shopId)
                    .put("displayName", "Partner " + p), 201).getLong("id");
            List<SimInventoryItem> items = new ArrayList<>();
            List<SimInventoryItem> ownerItems = new ArrayList<>();
            List<JsonObject> bodies = new ArrayList<>();
            for (int i = 0; i < config.mappings(); i++) {
                SimInventoryItem item = shop.addInventoryItem("P" + p + "-SKU-" + i)
                        .available(shop.primaryLocation(), 5 + random.nextInt(50));
                SimInventoryItem ownerItem = owner.addInventoryItem("O-P" + p + "-SKU-" + i)
                        .available(owner.primaryLocation(), 0);
                items.add(item);
                ownerItems.add(ownerItem);
                bodies.add(new JsonObject().put("partnerId", partnerId).put("partnerVariantGid", item.variant().id())
                        .put("partnerInventoryItemGid", item.id()).put("sku", item.sku())
                        .put("ownerVariantGid", ownerItem.variant().id()).put("ownerInventoryItemGid", ownerItem.id()));
            }
            forEach(bodies, 8, body -> adminAsync("POST", "/admin/inventory/mappings", body, 201));
            partners.add(new Partner(partnerId, shop, items, ownerItems));
        }
        log("%d partners and %d mappings registered in %.1f s", partners.size(), partners.size() * config.mappings(),
                secondsSince(t));

        JsonObject warm = sweep();
        log("warm-up sweep: %s in %.1f s (not counted)", warm.getString("outcome"), runSeconds(warm));
        if (!mismatches(partners, owner).isEmpty()) {
            log("FAILED: after the warm-up sweep %d owner items differ from their partner", mismatches(partners, owner).size());
            return 1;
        }

        int status = 0;
        for (int r = 1; r <= config.runs(); r++) {
            awaitBucketRefill();
            int changedPerPartner = (int) Math.round(config.mappings() * config.changed());
            for (Partner p : partners) {
                for (int i : sample(config.mappings(), changedPerPartner)) {
                    SimInventoryItem o = p.ownerItems().get(i);
                    o.available(owner.primaryLocation(), o.available(owner.primaryLocation()) + 1 + random.nextInt(5));
                }
            }
            sim.clearRequests();
            long pointsBefore = points(owner, partners);
            long ownerPointsBefore = owner.pointsCharged();
            int throttledBefore = owner.throttledCount() + partners.stream().mapToInt(p -> p.shop().throttledCount()).sum();
            JsonObject done = sweep();
            double wall = runSeconds(done);
            List<RecordedRequest> graphql = sim.requests(q -> q.endpoint() == Faults.Endpoint.GRAPHQL);
            Map<String, Long> byOperation = graphql.stream().collect(Collectors.groupingBy(
                    q -> q.operationName() == null ? "?" : q.operationName(), TreeMap::new, Collectors.counting()));
            int throttled = owner.throttledCount() + partners.stream().mapToInt(p -> p.shop().throttledCount()).sum()
                    - throttledBefore;
            long answered = graphql.size() - throttled;
            int batches = (config.mappings() + 249) / 250;
            long minimum = (long) partners.size() * (2L * batches + (changedPerPartner + 249) / 250);
            long spent = points(owner, partners) - pointsBefore;
            long ownerSpent = owner.pointsCharged() - ownerPointsBefore;
            // The owner's bucket is the bottleneck (every partner's owner read and write goes to it); it starts
            // full, so the first maximumAvailable points cost no wait.
            double bound = Math.max(0, ownerSpent - config.bucketMax()) / (double) config.bucketRestore();
            int wrong = mismatches(partners, owner).size();
            log("sweep %d: %s, wall %.1f s; calls %d answered (+%d THROTTLED) vs minimum %d; by operation %s", r,
                    done.getString("outcome"), wall, answered, throttled, minimum, byOperation);
            log("sweep %d: points %d in all, %d at the owner; (owner points - bucket) / restore = %.1f s, "
                    + "owner points / restore = %.1f s; wall / bound = %.2f; owner items still different: %d", r, spent,
                    ownerSpent, bound, ownerSpent / (double) config.bucketRestore(), bound > 0 ? wall / bound : 0, wrong);
            if (wrong > 0 || !"succeeded".equals(done.getString("outcome"))) {
                status = 1;
            }
        }

        awaitBucketRefill();
        List<Long> latencies = live(partners, owner);
        if (latencies.isEmpty()) {
            return 1;
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        log("live: %d updates at %.1f/s; partner change -> owner level equal: p50 %d ms, p90 %d ms, p99 %d ms, "
                + "max %d ms (debounce included)", sorted.length, config.liveRate(), percentile(sorted, 50),
                percentile(sorted, 90), percentile(sorted, 99), sorted[sorted.length - 1]);
        return status;
    }

    /** Changes one partner item at a time, paced, and waits for each owner level to follow. */
    private List<Long> live(List<Partner> partners, SimShop owner) throws InterruptedException {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int u = 0; u < config.liveUpdates(); u++) {
            long due = start + (long) (u * 1e9 / config.liveRate());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            Partner p = partners.get(random.nextInt(partners.size()));
            int i = random.nextInt(config.mappings());
            SimInventoryItem item = p.items().get(i);
            SimInventoryItem ownerItem = p.ownerItems().get(i);
            int target = item.available(p.shop().primaryLocation()) == 0 ? 7 : item.available(p.shop().primaryLocation()) - 1;
            long changedAt = System.nanoTime();
            item.available(p.shop().primaryLocation(), target);
            all.add(CompletableFuture.supplyAsync(() -> {
                while (ownerItem.available(owner.primaryLocation()) != target) {
                    if (System.nanoTime() - changedAt > Duration.ofSeconds(60).toNanos()) {
                        return -1L;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1L;
                    }
                }
                return (System.nanoTime() - changedAt) / 1_000_000;
            }));
        }
        List<Long> out = new ArrayList<>();
        int lost = 0;
        for (CompletableFuture<Long> f : all) {
            long ms = f.join();
            if (ms < 0) {
                lost++;
            } else {
                out.add(ms);
            }
        }
        if (lost > 0) {
            log("FAILED: %d live update(s) did not reach the owner within 60 s", lost);
            return List.of();
        }
        return out;
    }

    // --- Helpers --------------------------------------------------------------------------------

    private SimShop shop(ShopifySimulator sim, String name) {
        String token = "shpat_" + UUID.randomUUID().toString().replace("-", "");
        return sim.addShop(name + ".myshopify.com", token).bucket(config.bucketMax(), config.bucketRestore());
    }

    private long register(SimShop shop) {
        return admin("POST", "/admin/shops", new JsonObject().put("domain", shop.domain())
                .put("accessToken", shop.accessToken()), 201).getLong("id");
    }

    private JsonObject sweep() throws InterruptedException {
        long runId = admin("POST", "/admin/inventory/sync", new JsonObject(), 202).getLong("runId");
        while (true) {
            JsonObject r = admin("GET", "/admin/inventory/runs/" + runId, null, 200);
            if (!"running".equals(r.getString("outcome"))) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    private static double runSeconds(JsonObject run) {
        return Duration.between(Instant.parse(run.getString("startedAt")), Instant.parse(run.getString("finishedAt")))
                .toMillis() / 1000.0;
    }

    private static List<SimInventoryItem> mismatches(List<Partner> partners, SimShop owner) {
        List<SimInventoryItem> out = new ArrayList<>();
        for (Partner p : partners) {
            for (int i = 0; i < p.items().size(); i++) {
                if (Math.max(0, p.items().get(i).available(p.shop().primaryLocation()))
                        != p.ownerItems().get(i).available(owner.primaryLocation())) {
                    out.add(p.ownerItems().get(i));
                }
            }
        }
        return out;
    }

    private static long points(SimShop owner, List<Partner> partners) {
        return owner.pointsCharged() + partners.stream().mapToLong(p -> p.shop().pointsCharged()).sum();
    }

    /** Waits until the owner's bucket has had time to refill, so each sweep starts alike. */
    private void awaitBucketRefill() throws InterruptedException {
        Thread.sleep((long) (1000.0 * config.bucketMax() / config.bucketRestore()));
    }

    private int[] sample(int n, int k) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, random);
        return all.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private void awaitReady() throws InterruptedException {
        for (int i = 0; i < 90; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(config.baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("StoreSync at " + config.baseUrl() + " is not ready");
    }

    private HttpRequest.Builder request(String method, String path, JsonObject body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.baseUrl() + path))
                .header("Authorization", "Bearer " + config.adminKey()).timeout(Duration.ofSeconds(30));
        return body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method,
                        HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    private JsonObject admin(String method, String path, JsonObject body, int expected) {
        return adminAsync(method, path, body, expected).join();
    }

    private CompletableFuture<JsonObject> adminAsync(String method, String path, JsonObject body, int expected) {
        return http.sendAsync(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    if (response.statusCode() != expected) {
                        throw new IllegalStateException(method + " " + path + " answered " + response.statusCode()
                                + ": " + response.body());
                    }
                    return new JsonObject(response.body());
                });
    }

    private static <T> void forEach(List<T> items, int concurrency,
            java.util.function.Function<T, CompletableFuture<?>> action) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (T item : items) {
            slots.acquire();
            all.add(action.apply(item).whenComplete((r, e) -> slots.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private static void log(String format, Object... args) {
        System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " "
                + String.format(Locale.ROOT, format, args));
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}

package dev.storesync.bench;

import dev.storesync.shopify.sim.RecordedRequest;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.shopify.sim.SimShop;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.SignedWebhooks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Shipment registration and sync benchmark driver; run by {@code bench/shipment-sync.sh}, which
 * documents the knobs. Starts the Shopify simulator in this JVM, brings N routed single-line orders
 * into a running StoreSync through signed {@code orders/create} webhooks, registers one shipment
 * per order through {@code POST /orders/{id}/shipments} with bounded concurrency (optionally paced),
 * then waits until none is pending and reads every shipment's {@code syncedAt}.
 *
 * <p>Registered → synced latency is measured from the moment this JVM received the 201 (its
 * {@link Instant#now()}) to the shipment's {@code syncedAt} (PostgreSQL's {@code now()} in the
 * transaction that marked it synced). Both clocks are this machine's. A warm-up batch under a
 * separate vendor runs first and is left out of every figure.
 */
public final class ShipmentSyncBench {

    private record Config(String baseUrl, String adminKey, String clientId, String clientSecret, int simPort,
            int shipments, int warmup, int concurrency, double rate, Duration syncTimeout, int bucketMax,
            int bucketRestore) {

        static Config fromEnv() {
            String baseUrl = env("BASE_URL", null);
            if (baseUrl == null || !baseUrl.matches("http://(127\\.[0-9.]+|localhost|\\[::1])(:\\d+)?/?")) {
                throw new IllegalArgumentException("BASE_URL must be a loopback http URL, was " + baseUrl);
            }
            String[] bucket = env("BUCKET", "20000/1000").split("/");
            return new Config(baseUrl.replaceAll("/$", ""), env("ADMIN_KEY", null), env("CLIENT_ID", "bench-client-id"),
                    env("CLIENT_SECRET", null), Integer.parseInt(env("SIM_PORT", null)),
                    Integer.parseInt(env("SHIPMENTS", "2000")), Integer.parseInt(env("WARMUP", "200")),
                    Integer.parseInt(env("CONCURRENCY", "8")), Double.parseDouble(env("RATE", "0")),
                    Duration.ofSeconds(Long.parseLong(env("SYNC_TIMEOUT", "120"))),
                    Integer.parseInt(bucket[0]), Integer.parseInt(bucket[1]));
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            if ((value == null || value.isBlank()) && fallback == null) {
                throw new IllegalArgumentException("Set " + name);
            }
            return value == null || value.isBlank() ? fallback : value;
        }
    }

    /** A StoreSync order ready to ship: its id, its one line, and the simulator order behind it. */
    private record Target(SimOrder simOrder, long orderId, long lineId) {
    }

    /** One registration as the client saw it. */
    private record Registration(long shipmentId, long sentNanos, long answeredNanos, Instant answeredAt) {
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final Config config;
    private final HttpClient http;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private volatile double lowestBucket = Double.NaN;

    private ShipmentSyncBench(Config config) {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        Config config = Config.fromEnv();
        // The JDK HTTP server leaves Nagle on: its answer (headers, then body) then waits for the
        // client's delayed ACK, about 40 ms a call on Linux loopback. Shopify has no such delay.
        boolean nodelay = !"false".equals(System.getenv("SIM_NODELAY"));
        System.setProperty("sun.net.httpserver.nodelay", Boolean.toString(nodelay));
        ShopifySimulator sim = new ShopifySimulator(config.clientId(), config.clientSecret()).start(config.simPort());
        int exit;
        try {
            exit = new ShipmentSyncBench(config).run(sim);
        } finally {
            sim.stop();
        }
        System.exit(exit);
    }

    private int run(ShopifySimulator sim) throws Exception {
        log("simulator on %s (TCP_NODELAY %s); service %s; %d shipments (+%d warm-up), %d in flight, rate %s, "
                + "bucket %d/%d per s", sim.baseUrl(), System.getProperty("sun.net.httpserver.nodelay"), config.baseUrl(), config.shipments(), config.warmup(), config.concurrency(),
                config.rate() > 0 ? config.rate() + "/s" : "unpaced", config.bucketMax(), config.bucketRestore());
        awaitReady(Duration.ofSeconds(90));

        String domain = "bench-" + run + ".myshopify.com";
        String token = "shpat_" + UUID.randomUUID().toString().replace("-", "");
        SimShop shop = sim.addShop(domain, token).planName("Shopify Plus").bucket(config.bucketMax(), config.bucketRestore());
        admin("POST", "/admin/shops", new JsonObject().put("domain", domain).put("accessToken", token), 201);
        String vendor = "Bench Vendor " + run;
        String warmVendor = "Bench Warm-up " + run;
        long vendorId = admin("POST", "/admin/vendors", new JsonObject().put("name", vendor), 201).getLong("id");
        long warmVendorId = admin("POST", "/admin/vendors", new JsonObject().put("name", warmVendor), 201).getLong("id");

        long t = System.nanoTime();
        List<Target> warm = importOrders(shop, domain, warmVendor, config.warmup(), "W");
        List<Target> targets = importOrders(shop, domain, vendor, config.shipments(), "M");
        if (targets == null || warm == null) {
            return 1;
        }
        log("%d orders imported through orders/create webhooks in %.1f s", warm.size() + targets.size(), secondsSince(t));

        if (!warm.isEmpty()) {
            t = System.nanoTime();
            Map<Long, Registration> warmRegs = register(warm, "warm");
            boolean drained = awaitNoPending(warmVendorId, config.syncTimeout(), shop, -1);
            log("warm-up: %d registered, %s in %.1f s (not counted)", warmRegs.size(),
                    drained ? "all settled" : "NOT all settled", secondsSince(t));
        }
        sim.clearRequests();
        int throttledBefore = shop.throttledCount();
        int fulfillmentsBefore = shop.fulfillments().size();

        // --- Measured: registration phase -----------------------------------------------------
        CpuSnapshot cpuBefore = CpuSnapshot.take();
        lowestBucket = bucketAvailable(shop);
        var sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bucket-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleAtFixedRate(() -> lowestBucket = Math.min(lowestBucket, bucketAvailable(shop)), 100, 100,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        Instant phaseStart = Instant.now();
        long start = System.nanoTime();
        Map<Long, Registration> regs = register(targets, "bench");
        long end = System.nanoTime();
        double regSeconds = (end - start) / 1e9;
        double throughput = regs.size() / regSeconds;
        long[] regLatency = regs.values().stream().mapToLong(r -> r.answeredNanos() - r.sentNanos()).sorted().toArray();
        log("registration: %d of %d answered 201 in %.2f s = %.0f shipments/s; request latency p50 %s p99 %s max %s",
                regs.size(), targets.size(), regSeconds, throughput, ms(pct(regLatency, 50)), ms(pct(regLatency, 99)),
                ms(regLatency.length == 0 ? 0 : regLatency[regLatency.length - 1]));

        // --- Measured: sync phase ---------------------------------------------------------------
        boolean drained = awaitNoPending(vendorId, config.syncTimeout(), shop, fulfillmentsBefore);
        sampler.shutdownNow();
        double waited = (System.nanoTime() - end) / 1e9;
        String cpu = CpuSnapshot.take().since(cpuBefore);
        log("sync: %s %.1f s after the last registration", drained ? "nothing pending" : "TIMED OUT with shipments pending",
                waited);

        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        List<Long> registeredToSynced = new ArrayList<>();
        List<Long> createdToSynced = new ArrayList<>();
        Instant lastSynced = null;
        // Where the time goes, from the simulator's arrival times of each shipment's two calls.
        Map<String, Instant> queryArrival = new HashMap<>();
        Map<String, Instant> createArrival = new HashMap<>();
        for (RecordedRequest r : sim.requests()) {
            JsonObject variables = r.operationName() == null ? null
                    : new JsonObject(r.body()).getJsonObject("variables", new JsonObject());
            if ("SyncFulfillmentOrders".equals(r.operationName())) {
                queryArrival.putIfAbsent(variables.getString("id"), r.at());
            } else if ("FulfillmentCreate".equals(r.operationName())) {
                createArrival.putIfAbsent(variables.getJsonObject("fulfillment").getJsonObject("trackingInfo")
                        .getString("number"), r.at());
            }
        }
        Map<Long, String> orderGids = new HashMap<>();
        targets.forEach(target -> orderGids.put(target.orderId(), target.simOrder().id()));
        List<Long> untilQuery = new ArrayList<>();
        List<Long> queryToCreate = new ArrayList<>();
        List<Long> createToSynced = new ArrayList<>();
        for (JsonObject s : listShipments(vendorId)) {
            Registration reg = regs.get(s.getLong("id"));
            if (reg == null) {
                continue;
            }
            String status = s.getString("syncStatus");
            statuses.merge(status, 1, Integer::sum);
            JsonObject error = s.getJsonObject("lastError");
            if (error != null && !"synced".equals(status)) {
                errors.merge(status + ":" + error.getString("code"), 1, Integer::sum);
            }
            if ("synced".equals(status)) {
                Instant synced = Instant.parse(s.getString("syncedAt"));
                registeredToSynced.add(Duration.between(reg.answeredAt(), synced).toNanos());
                createdToSynced.add(Duration.between(Instant.parse(s.getString("createdAt")), synced).toNanos());
                lastSynced = lastSynced == null || synced.isAfter(lastSynced) ? synced : lastSynced;
                Instant query = queryArrival.get(orderGids.get(s.getLong("orderId")));
                Instant create = createArrival.get(s.getString("trackingNumber"));
                if (query != null && create != null) {
                    untilQuery.add(Duration.between(reg.answeredAt(), query).toNanos());
                    queryToCreate.add(Duration.between(query, create).toNanos());
                    createToSynced.add(Duration.between(create, synced).toNanos());
                }
            }
        }
        long[] lat = sorted(registeredToSynced);
        long[] server = sorted(createdToSynced);
        int synced = statuses.getOrDefault("synced", 0);
        int failed = statuses.getOrDefault("failed", 0);
        int pending = statuses.getOrDefault("pending", 0);
        double syncSpan = lastSynced == null ? 0 : Duration.between(phaseStart, lastSynced).toNanos() / 1e9;
        log("shipments: %s%s", statuses, errors.isEmpty() ? "" : "; last errors " + errors);
        log("registered -> synced (client 201 -> syncedAt): min %s p50 %s p90 %s p99 %s max %s", ms(pct(lat, 0)),
                ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), ms(pct(lat, 100)));
        log("createdAt -> syncedAt (both PostgreSQL now()): p50 %s p99 %s", ms(pct(server, 50)), ms(pct(server, 99)));
        long[] a = sorted(untilQuery);
        long[] b = sorted(queryToCreate);
        long[] c = sorted(createToSynced);
        log("  of which (p50 / p99; %d shipments with one call of each): 201 -> OrderFulfillmentOrders arrives %s / %s; "
                + "-> FulfillmentCreate arrives %s / %s; -> syncedAt %s / %s", a.length, ms(pct(a, 50)), ms(pct(a, 99)),
                ms(pct(b, 50)), ms(pct(b, 99)), ms(pct(c, 50)), ms(pct(c, 99)));
        log("CPU from the first registration until nothing was pending: %s", cpu);
        log("sync throughput: %d synced between the first registration and the last syncedAt (%.1f s) = %.1f /s",
                synced, syncSpan, syncSpan == 0 ? 0 : synced / syncSpan);

        // --- What Shopify saw ---------------------------------------------------------------------
        Map<String, Long> ops = sim.requests().stream().filter(r -> r.operationName() != null)
                .collect(Collectors.groupingBy(RecordedRequest::operationName, TreeMap::new, Collectors.counting()));
        Map<Integer, Long> httpStatuses = sim.requests().stream()
                .collect(Collectors.groupingBy(RecordedRequest::status, TreeMap::new, Collectors.counting()));
        int withOne = 0;
        int duplicates = 0;
        for (Target target : targets) {
            int n = target.simOrder().fulfillments().size();
            withOne += n == 1 ? 1 : 0;
            duplicates += n > 1 ? 1 : 0;
        }
        int throttled = shop.throttledCount() - throttledBefore;
        log("simulator: GraphQL calls by operation %s, HTTP statuses %s, THROTTLED answers %d, cost bucket at least "
                + "%.0f of %d available (sampled every 100 ms from the first registration on); orders with exactly one fulfillment %d, with more than "
                + "one %d", ops, httpStatuses, throttled, lowestBucket, config.bucketMax(), withOne, duplicates);

        long[] simQuery = calibrateSimulator(sim, domain, token, targets.get(0).simOrder().id());
        log("simulator alone (after the run, sequential): OrderFulfillmentOrders answered in p50 %s p90 %s",
                ms(pct(simQuery, 50)), ms(pct(simQuery, 90)));

        System.out.printf(Locale.ROOT, "RESULT shipments=%d registered=%d reg_seconds=%.2f reg_per_s=%.0f reg_p50_ms=%.1f "
                + "reg_p99_ms=%.1f synced=%d failed=%d pending=%d lat_p50_ms=%.0f lat_p90_ms=%.0f lat_p99_ms=%.0f "
                + "lat_max_ms=%.0f sync_per_s=%.1f throttled=%d bucket_min=%.0f duplicate_fulfillments=%d%n",
                targets.size(), regs.size(), regSeconds, throughput, pct(regLatency, 50) / 1e6, pct(regLatency, 99) / 1e6,
                synced, failed, pending, pct(lat, 50) / 1e6, pct(lat, 90) / 1e6, pct(lat, 99) / 1e6, pct(lat, 100) / 1e6,
                syncSpan == 0 ? 0 : synced / syncSpan, throttled, lowestBucket, duplicates);
        return regs.size() == targets.size() && drained ? 0 : 2;
    }

    // --- Phases ---------------------------------------------------------------------------------

    /** Creates routed single-line orders in the simulator and imports them; null when some never arrived. */
    private List<Target> importOrders(SimShop shop, String domain, String vendor, int count, String prefix)
            throws InterruptedException {
        List<SimOrder> orders = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            orders.add(shop.order().name("#" + prefix + (i + 1)).customer("Bench Buyer", "buyer@example.com")
                    .line("BENCH-" + prefix + "-" + (i % 50), 1 + i % 3, vendor).createRouted());
        }
        AtomicInteger rejected = new AtomicInteger();
        forEach(orders, config.concurrency(), 0, order -> {
            byte[] body = ConnectedShop.payload(order, order.updatedAt()).encode().getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(URI.create(config.baseUrl() + "/webhooks/shopify"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("X-Shopify-Topic", "orders/create")
                    .header("X-Shopify-Shop-Domain", domain)
                    .header("X-Shopify-Hmac-Sha256", SignedWebhooks.sign(body, config.clientSecret()))
                    .header("X-Shopify-Webhook-Id", UUID.randomUUID().toString())
                    .header("X-Shopify-Event-Id", UUID.randomUUID().toString())
                    .header("X-Shopify-Triggered-At", Instant.now().toString())
                    .header("X-Shopify-API-Version", "2026-10")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                if (response.statusCode() != 200 && rejected.getAndIncrement() < 3) {
                    log("webhook answered %d: %s", response.statusCode(), response.body());
                }
            });
        });
        if (rejected.get() > 0) {
            log("%d orders/create webhooks were not accepted", rejected.get());
            return null;
        }
        // The dispatcher imports them in the background: look each up until all are there.
        Map<SimOrder, Target> found = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (found.size() < orders.size()) {
            if (System.nanoTime() > deadline) {
                log("only %d of %d orders were imported within 120 s", found.size(), orders.size());
                return null;
            }
            Thread.sleep(500);
            List<SimOrder> missing = orders.stream().filter(o -> !found.containsKey(o)).toList();
            forEach(missing, config.concurrency(), 0, order -> get("/orders?shopifyId=" + order.legacyResourceId())
                    .thenAccept(response -> {
                        JsonArray list = new JsonArray(response.body());
                        if (!list.isEmpty()) {
                            JsonObject o = list.getJsonObject(0);
                            found.put(order, new Target(order, o.getLong("id"),
                                    o.getJsonArray("lines").getJsonObject(0).getLong("id")));
                        }
                    }));
        }
        return orders.stream().map(found::get).toList();
    }

    /** Registers one shipment per target for its whole line; returns the 201s by shipment id. */
    private Map<Long, Registration> register(List<Target> targets, String trackingPrefix) throws InterruptedException {
        Map<Long, Registration> out = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        Map<Long, Integer> quantities = new HashMap<>();
        targets.forEach(t -> quantities.put(t.orderId(), t.simOrder().lineItems().get(0).quantity()));
        forEach(targets, config.concurrency(), config.rate(), target -> {
            JsonObject body = new JsonObject()
                    .put("lines", new JsonArray().add(new JsonObject().put("lineItemId", target.lineId())
                            .put("quantity", quantities.get(target.orderId()))))
                    .put("trackingNumber", trackingPrefix + "-" + run + "-" + target.orderId())
                    .put("carrier", "ヤマト運輸");
            HttpRequest request = adminRequest("/orders/" + target.orderId() + "/shipments")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
            long sent = System.nanoTime();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                long answered = System.nanoTime();
                Instant answeredAt = Instant.now();
                if (response.statusCode() == 201) {
                    long id = new JsonObject(response.body()).getLong("id");
                    out.put(id, new Registration(id, sent, answered, answeredAt));
                } else if (failures.getAndIncrement() < 3) {
                    log("registration answered %d: %s", response.statusCode(), response.body());
                }
            });
        });
        if (failures.get() > 0) {
            log("%d registrations failed", failures.get());
        }
        return out;
    }

    /** The simulated shop's cost bucket level now (package-private in the simulator, so by reflection); NaN if unknown. */
    private static double bucketAvailable(SimShop shop) {
        try {
            java.lang.reflect.Method bucket = SimShop.class.getDeclaredMethod("costBucket");
            bucket.setAccessible(true);
            Object leaky = bucket.invoke(shop);
            java.lang.reflect.Method status = leaky.getClass().getDeclaredMethod("status");
            status.setAccessible(true);
            Object throttleStatus = status.invoke(leaky);
            java.lang.reflect.Method available = throttleStatus.getClass().getDeclaredMethod("currentlyAvailable");
            available.setAccessible(true);
            return (double) available.invoke(throttleStatus);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Waits until the vendor has no pending shipment; prints progress from the simulator's side. */
    private boolean awaitNoPending(long vendorId, Duration timeout, SimShop shop, int fulfillmentsBefore)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            HttpResponse<String> response = get("/shipments?vendorId=" + vendorId + "&syncStatus=pending&limit=1").join();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /shipments answered " + response.statusCode() + ": " + response.body());
            }
            if (new JsonObject(response.body()).getJsonArray("items").isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            if (fulfillmentsBefore >= 0 && System.nanoTime() > nextReport) {
                log("  ... %d fulfillments created in Shopify so far; cost bucket %.0f available",
                        shop.fulfillments().size() - fulfillmentsBefore, bucketAvailable(shop));
                nextReport += Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(250);
        }
    }

    private List<JsonObject> listShipments(long vendorId) {
        List<JsonObject> all = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> response = get("/shipments?vendorId=" + vendorId + "&limit=200"
                    + (cursor == null ? "" : "&cursor=" + cursor)).join();
            JsonObject page = new JsonObject(response.body());
            page.getJsonArray("items").forEach(item -> all.add((JsonObject) item));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return all;
    }

    /** Times 50 sequential fulfillment-order reads straight to the simulator: its own share of a sync. */
    private long[] calibrateSimulator(ShopifySimulator sim, String domain, String token, String orderGid)
            throws Exception {
        String document;
        try (var in = ShipmentSyncBench.class.getClassLoader().getResourceAsStream("graphql/OrderFulfillmentOrders.graphql")) {
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String body = new JsonObject().put("query", document).put("variables", new JsonObject().put("id", orderGid)).encode();
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.graphqlUrl(domain, "2026-10")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Shopify-Access-Token", token).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long[] out = new long[50];
        JsonObject cost = null;
        for (int i = 0; i < out.length; i++) {
            long sent = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            out[i] = System.nanoTime() - sent;
            if (response.statusCode() != 200 || !response.body().contains("\"fulfillmentOrders\"")) {
                throw new IllegalStateException("simulator answered " + response.statusCode() + ": " + response.body());
            }
            cost = new JsonObject(response.body()).getJsonObject("extensions").getJsonObject("cost");
        }
        log("OrderFulfillmentOrders of a synced single-line order: requested cost %s, actual cost %s",
                cost.getValue("requestedQueryCost"), cost.getValue("actualQueryCost"));
        Arrays.sort(out);
        return out;
    }

    // --- HTTP -----------------------------------------------------------------------------------

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(config.baseUrl() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("StoreSync at " + config.baseUrl() + " is not ready");
            }
            Thread.sleep(500);
        }
    }

    private HttpRequest.Builder adminRequest(String path) {
        return HttpRequest.newBuilder(URI.create(config.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + config.adminKey());
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        return http.sendAsync(adminRequest(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject admin(String method, String path, JsonObject body, int expected) {
        HttpResponse<String> response = http.sendAsync(adminRequest(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString()).join();
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    /**
     * Runs {@code action} for every item with at most {@code concurrency} in flight; with a rate,
     * item i is not started before {@code i / rate} seconds. Returns when all have finished.
     */
    private static <T> void forEach(List<T> items, int concurrency, double rate,
            Function<T, CompletableFuture<?>> action) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        List<CompletableFuture<?>> all = new ArrayList<>(items.size());
        long start = System.nanoTime();
        for (int i = 0; i < items.size(); i++) {
            if (rate > 0) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            slots.acquire();
            CompletableFuture<?> f;
            try {
                f = action.apply(items.get(i));
            } catch (RuntimeException e) {
                slots.release();
                throw e;
            }
            all.add(f.whenComplete((ignored, error) -> {
                slots.release();
                if (error != null) {
                    log("request failed: %s", error);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }

    /**
     * CPU ticks of the machine (/proc/stat) and of the processes involved: the service
     * ({@code SERVICE_PID}), PostgreSQL ({@code PG_PID}, the postmaster, with its backends) and this
     * JVM (driver and simulator). Empty on systems without /proc.
     */
    private record CpuSnapshot(long nanos, long busy, long idle, long service, long postgres, long driver) {

        static CpuSnapshot take() {
            try {
                String[] cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                long idle = 0;
                for (int i = 1; i < cpu.length && i <= 8; i++) {
                    long v = Long.parseLong(cpu[i]);
                    if (i == 4 || i == 5) {
                        idle += v;
                    } else {
                        busy += v;
                    }
                }
                long pg = 0;
                String pgPid = System.getenv("PG_PID");
                if (pgPid != null && !pgPid.isBlank()) {
                    long postmaster = Long.parseLong(pgPid.trim());
                    pg = ticks(postmaster, true) + ProcessHandle.of(postmaster).stream().flatMap(ProcessHandle::children)
                            .mapToLong(child -> ticks(child.pid(), false)).sum();
                }
                String app = System.getenv("SERVICE_PID");
                return new CpuSnapshot(System.nanoTime(), busy, idle,
                        app == null || app.isBlank() ? 0 : ticks(Long.parseLong(app.trim()), false), pg,
                        ticks(ProcessHandle.current().pid(), false));
            } catch (Exception e) {
                return null;
            }
        }

        /** utime + stime (and the reaped children's, for the postmaster) in clock ticks. */
        private static long ticks(long pid, boolean withChildren) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
            } catch (Exception e) {
                return 0;
            }
        }

        /** Shares of one core (100% = one core busy) since {@code before}. */
        String since(CpuSnapshot before) {
            if (before == null) {
                return "n/a";
            }
            double seconds = (nanos - before.nanos) / 1e9;
            double hz = 100.0; // USER_HZ on Linux
            long busyTicks = busy - before.busy;
            long ours = (service - before.service) + (postgres - before.postgres) + (driver - before.driver);
            return String.format(Locale.ROOT, "%.1f s; in %% of one core: service %.0f, PostgreSQL %.0f, driver+simulator "
                    + "%.0f, other processes %.0f, idle %.0f (of %d cores)", seconds,
                    pctOfCore(service - before.service, seconds, hz), pctOfCore(postgres - before.postgres, seconds, hz),
                    pctOfCore(driver - before.driver, seconds, hz), pctOfCore(Math.max(0, busyTicks - ours), seconds, hz),
                    pctOfCore(idle - before.idle, seconds, hz), Runtime.getRuntime().availableProcessors());
        }

        private static double pctOfCore(long ticks, double seconds, double hz) {
            return ticks / hz / seconds * 100;
        }
    }

    // --- Figures --------------------------------------------------------------------------------

    private static long[] sorted(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The p-th percentile (nearest rank) of sorted values; 0 when empty. */
    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println(LocalTime.now().format(CLOCK) + " " + String.format(Locale.ROOT, format, args));
    }
}

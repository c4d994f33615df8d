package dev.storesync.shopify.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small, real HTTP server that behaves like Shopify's Admin API for what StoreSync uses:
 * {@code POST /{shop}/admin/api/{version}/graphql.json} (token check, validation, cost and
 * leaky-bucket throttling, execution against in-memory shops),
 * {@code GET /{shop}/admin/oauth/authorize} and {@code POST /{shop}/admin/oauth/access_token}. It
 * listens on 127.0.0.1; point {@code storesync.shopify.admin-base-url} at {@link #adminBaseUrl()}.
 *
 * <pre>{@code
 * SimShop shop = sim.addShop("a.myshopify.com", "token");
 * SimOrder order = shop.order().line("SKU-1", 2).createRouted();
 * sim.faults().next(1).operation("FulfillmentCreate").executeThenStatus(502);
 * }</pre>
 */
public final class ShopifySimulator implements AutoCloseable {

    /** The API versions Shopify supports on 2026-11-22 (oldest first); others fall forward. */
    public static final List<String> SUPPORTED_VERSIONS = List.of("2026-01", "2026-04", "2026-07", "2026-10",
            "2027-01", "unstable");

    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String clientId;
    private final String clientSecret;
    private final Map<String, SimShop> shops = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Faults faults = new Faults();
    private final AtomicLong ids = new AtomicLong(1000);
    private final OAuthEndpoints oauth = new OAuthEndpoints(this);
    private final WebhookSender webhooks = new WebhookSender();
    private SimGraphql graphql;
    private HttpServer server;
    private ExecutorService executor;
    // One thread: webhooks sent in the background leave in the order of the changes that sent them.
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "shopify-sim-webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Duration accessTokenLifetime = Duration.ofHours(1);
    private volatile String servedVersionOverride;
    private volatile String deprecatedReason;
    private volatile String webhookBaseUrl;
    private final List<WebhookSent> sentLater = new CopyOnWriteArrayList<>();
    private final ExecutorService webhookQueue = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "shopify-sim-webhooks");
        thread.setDaemon(true);
        return thread;
    });

    /** A webhook the simulator sent by itself (a level change), with the status it got (-1: unreachable). */
    public record WebhookSent(Instant at, String topic, String shopDomain, String url, String body, int status) {
    }

    public ShopifySimulator(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** Starts on a free port. */
    public ShopifySimulator start() {
        return start(0);
    }

    public synchronized ShopifySimulator start(int port) {
        graphql = new SimGraphql();
        try {
            // Without TCP_NODELAY every answer waits ~40 ms for a delayed ACK (slow tests, skewed benchmarks).
            if (System.getProperty("sun.net.httpserver.nodelay") == null) {
                System.setProperty("sun.net.httpserver.nodelay", "true");
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "shopify-sim");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The value for {@code storesync.shopify.admin-base-url}: {@code http://127.0.0.1:PORT/{shop}}. */
    public String adminBaseUrl() {
        return baseUrl() + "/{shop}";
    }

    /** The GraphQL endpoint of a shop for a version. */
    public String graphqlUrl(String shopDomain, String version) {
        return baseUrl() + "/" + shopDomain + "/admin/api/" + version + "/graphql.json";
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    // --- Shops --------------------------------------------------------------------------------

    /** Adds (or replaces) a shop that accepts {@code accessToken}, with a bucket of 2000 points at 100/s. */
    public SimShop addShop(String domain, String accessToken) {
        SimShop shop = new SimShop(this, domain, accessToken);
        shops.put(domain, shop);
        return shop;
    }

    public SimShop shop(String domain) {
        return shops.get(domain);
    }

    /** Lifetime of expiring access tokens issued by OAuth (1 hour, as at Shopify). */
    public ShopifySimulator accessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
        return this;
    }

    Duration accessTokenLifetime() {
        return accessTokenLifetime;
    }

    // --- Faults and headers -------------------------------------------------------------------

    public Faults faults() {
        return faults;
    }

    /** Answers GraphQL with this {@code X-Shopify-API-Version}, whatever was asked; null to stop. */
    public ShopifySimulator serveApiVersion(String version) {
        this.servedVersionOverride = version;
        return this;
    }

    /** Adds {@code X-Shopify-API-Deprecated-Reason} to GraphQL answers; null to stop. */
    public ShopifySimulator deprecatedReason(String reason) {
        this.deprecatedReason = reason;
        return this;
    }

    // --- Webhooks -----------------------------------------------------------------------------

    /** Runs {@code work} after the current request, on the one webhook thread; a failure is only printed. */
    void background(Runnable work) {
        background.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                System.err.println("shopify-sim: background webhook failed: " + e);
            }
        });
    }

    public WebhookSender webhooks() {
        return webhooks;
    }

    /**
     * Delivers the webhooks the simulator sends by itself (level changes) to this base instead of the
     * subscriptions' scheme, host and port (their path is kept): tests know the app's port only once it
     * runs. Null to deliver to the subscribed address.
     */
    public ShopifySimulator webhookBaseUrl(String baseUrl) {
        this.webhookBaseUrl = baseUrl == null ? null : baseUrl.replaceAll("/+$", "");
        return this;
    }

    /** Webhooks sent by the simulator itself since the last reset, oldest first. */
    public List<WebhookSent> sentWebhooks() {
        return List.copyOf(sentLater);
    }

    /** Queues a delivery; one at a time, in order, as Shopify's sender works after the change is committed. */
    void sendLater(WebhookMessage message) {
        String base = webhookBaseUrl;
        WebhookMessage target = message;
        if (base != null) {
            java.net.URI uri = java.net.URI.create(message.url());
            target = message.withUrl(base + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        WebhookMessage send = target;
        webhookQueue.execute(() -> {
            int status;
            try {
                status = webhooks.send(send).status();
            } catch (RuntimeException e) {
                status = -1;
            }
            sentLater.add(new WebhookSent(Instant.now(), send.topic(), send.shopDomain(), send.url(),
                    new String(send.body(), StandardCharsets.UTF_8), status));
        });
    }

    /** Sends a webhook signed with this app's client secret. */
    public WebhookDelivery sendWebhook(String url, String topic, String shopDomain, String jsonBody) {
        return webhooks.send(url, topic, shopDomain, jsonBody.getBytes(StandardCharsets.UTF_8), clientSecret);
    }

    // --- Request log --------------------------------------------------------------------------

    /** Every request received since the last reset, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    public List<RecordedRequest> requests(Predicate<RecordedRequest> filter) {
        return requests.stream().filter(filter).toList();
    }

    /** GraphQL requests of one operation, e.g. {@code "FulfillmentCreate"}, for one shop. */
    public List<RecordedRequest> operations(String shopDomain, String operationName) {
        return requests(r -> r.endpoint() == Faults.Endpoint.GRAPHQL && shopDomain.equals(r.shop())
                && operationName.equals(r.operationName()));
    }

    public void clearRequests() {
        requests.clear();
    }

    /** Forgets shops, faults, requests and header overrides. */
    public void reset() {
        shops.clear();
        faults.clear();
        requests.clear();
        sentLater.clear();
        webhookBaseUrl = null;
        servedVersionOverride = null;
        deprecatedReason = null;
        accessTokenLifetime = Duration.ofHours(1);
    }

    /** Validation messages of a GraphQL document against the simulator's schema; empty when valid. */
    public static List<String> validate(String document) {
        return SimGraphql.validate(document);
    }

    /** Shopify's OAuth callback signature over the given query parameters (hex HMAC-SHA256). */
    public static String oauthHmac(Map<String, String> params, String secret) {
        return OAuthEndpoints.hmac(params, secret);
    }

    // --- HTTP ---------------------------------------------------------------------------------

    private record Route(String shop, Faults.Endpoint endpoint, String version) {
        static Route parse(String method, String path) {
            String[] parts = path.split("/");
            // "", shop, "admin", ...
            if (parts.length == 6 && parts[2].equals("admin") && parts[3].equals("api")
                    && parts[5].equals("graphql.json") && method.equals("POST")) {
                return new Route(parts[1], Faults.Endpoint.GRAPHQL, parts[4]);
            }
            if (parts.length == 5 && parts[2].equals("admin") && parts[3].equals("oauth")) {
                if (parts[4].equals("authorize") && method.equals("GET")) {
                    return new Route(parts[1], Faults.Endpoint.OAUTH_AUTHORIZE, null);
                }
                if (parts[4].equals("access_token") && method.equals("POST")) {
                    return new Route(parts[1], Faults.Endpoint.OAUTH_ACCESS_TOKEN, null);
                }
            }
            return null;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Route route = Route.parse(method, path);
            String operation = route != null && route.endpoint() == Faults.Endpoint.GRAPHQL
                    ? SimGraphql.operationName(body) : null;
            RecordedRequest recorded = new RecordedRequest(Instant.now(), method, path,
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(body, StandardCharsets.UTF_8), route == null ? null : route.shop(),
                    route == null ? null : route.endpoint(), operation, 0);
            Faults.Action fault = route == null ? null : faults.match(route.endpoint(), route.shop(), operation);
            if (fault instanceof Faults.Delay delay) {
                sleep(delay.delay());
            }
            if (fault instanceof Faults.Drop) {
                requests.add(recorded.withStatus(-1));
                return;
            }
            SimResponse response = respond(route, fault, exchange, body);
            requests.add(recorded.withStatus(response.status()));
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean empty = response.body().length == 0;
            exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    private SimResponse respond(Route route, Faults.Action fault, HttpExchange exchange, byte[] body) {
        if (fault instanceof Faults.Status status) {
            SimResponse response = SimResponse.errors(status.status(), Faults.reason(status.status()));
            for (Map.Entry<String, String> header : status.headers().entrySet()) {
                response = response.withHeader(header.getKey(), header.getValue());
            }
            return response;
        }
        SimResponse response;
        try {
            response = route == null ? SimResponse.errors(404, "Not Found") : answer(route, exchange, body);
        } catch (RuntimeException e) {
            // a bug in the simulator: answer like a failing Shopify and leave a trace for the test log
            e.printStackTrace();
            return SimResponse.errors(500, Faults.reason(500));
        }
        return fault instanceof Faults.ExecuteThenStatus status
                ? SimResponse.errors(status.status(), Faults.reason(status.status())) : response;
    }

    private SimResponse answer(Route route, HttpExchange exchange, byte[] body) {
        SimShop shop = shops.get(route.shop());
        if (shop == null) {
            return SimResponse.errors(404, "Not Found");
        }
        return switch (route.endpoint()) {
            case OAUTH_AUTHORIZE -> oauth.authorize(shop, exchange.getRequestURI().getRawQuery());
            case OAUTH_ACCESS_TOKEN -> oauth.accessToken(shop,
                    exchange.getRequestHeaders().getFirst("Content-Type"), body);
            case GRAPHQL -> graphql(shop, route.version(), exchange, body);
        };
    }

    private SimResponse graphql(SimShop shop, String requestedVersion, HttpExchange exchange, byte[] body) {
        String served = servedVersionOverride != null ? servedVersionOverride
                : SUPPORTED_VERSIONS.contains(requestedVersion) ? requestedVersion : SUPPORTED_VERSIONS.get(0);
        SimResponse response = shop.accepts(exchange.getRequestHeaders().getFirst("X-Shopify-Access-Token"))
                ? graphql.handle(shop, served, body)
                : SimResponse.errors(401, Faults.reason(401));
        response = response.withHeader("X-Shopify-API-Version", served)
                .withHeader("X-Request-Id", java.util.UUID.randomUUID().toString());
        return deprecatedReason == null ? response
                : response.withHeader("X-Shopify-API-Deprecated-Reason", deprecatedReason);
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}

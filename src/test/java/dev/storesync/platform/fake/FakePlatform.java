package dev.storesync.platform.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake of the order platform's Orders API over real HTTP (127.0.0.1, a free port), speaking the
 * shapes in {@code dev.storesync.platform.PlatformShapes}: {@code GET /orders?page=&per_page=&updated_since=}
 * (oldest change first, page-numbered, {@code meta.last_page}) and {@code GET /orders/{id}/purchase-orders},
 * both behind {@code Authorization: Bearer <token>}. Tests add and change orders, inject faults
 * (5xx, 429 with Retry-After, slow answers, a malformed page) and read what was requested.
 *
 * <pre>{@code
 * FakePlatform.Order o = platform.addOrder("164", "approved").po("164-1", "Acme").po("164-2", "Bolt");
 * platform.faults().next(2, Endpoint.ORDERS).status(503);
 * platform.faults().next(1, Endpoint.PURCHASE_ORDERS).retryAfter(1);
 * platform.faults().page(2).malformed();
 * }</pre>
 */
public final class FakePlatform implements AutoCloseable {

    /** Which endpoint a fault applies to. */
    public enum Endpoint {
        ORDERS, PURCHASE_ORDERS
    }

    private final String token;
    private final Map<String, Order> orders = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Request> timedRequests = new CopyOnWriteArrayList<>();
    private final Map<Integer, Runnable> afterOrdersPage = new ConcurrentHashMap<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger ordersRequests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final Faults faults = new Faults();
    private volatile Duration latency = Duration.ZERO;
    private HttpServer server;
    private ExecutorService executor;
    private ScheduledExecutorService timers;

    public FakePlatform(String token) {
        this.token = token;
    }

    public FakePlatform start() {
        return start(0);
    }

    public synchronized FakePlatform start(int port) {
        try {
            if (System.getProperty("sun.net.httpserver.nodelay") == null) {
                System.setProperty("sun.net.httpserver.nodelay", "true");
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newCachedThreadPool(r -> daemon(r, "fake-platform"));
        timers = Executors.newScheduledThreadPool(2, r -> daemon(r, "fake-platform-latency"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            timers.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The value for {@code storesync.platform.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    /** Forgets orders, faults, latency and the request log. */
    public void reset() {
        orders.clear();
        faults.clear();
        latency = Duration.ZERO;
        requests.clear();
        timedRequests.clear();
        afterOrdersPage.clear();
        requestCount.set(0);
        ordersRequests.set(0);
        maxInFlight.set(0);
    }

    /** Every answer waits this long first (the benchmark's platform latency). */
    public FakePlatform latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    public Faults faults() {
        return faults;
    }

    /** Requests received since the last reset (paths with query), oldest first. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** A request as received: its path with query and when it arrived. */
    public record Request(String uri, Instant at) {
    }

    /** Requests received since the last reset with their arrival times, oldest first. */
    public List<Request> timedRequests() {
        return List.copyOf(timedRequests);
    }

    /** Runs {@code change} once, right after the orders page {@code page} is answered (a change during a run). */
    public FakePlatform afterOrdersPage(int page, Runnable change) {
        afterOrdersPage.put(page, change);
        return this;
    }

    public int requestCount() {
        return requestCount.get();
    }

    public void resetMaxInFlight() {
        maxInFlight.set(0);
    }

    /** The most requests this server was answering at the same time since the last reset. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    // --- Orders -------------------------------------------------------------------------------

    /** A new order, created and updated now. */
    public Order addOrder(String orderNumber, String approval) {
        Order order = new Order("o-" + ids.incrementAndGet(), orderNumber, approval);
        orders.put(order.id, order);
        return order;
    }

    /** The order with this number, or null. */
    public Order order(String orderNumber) {
        return orders.values().stream().filter(o -> o.orderNumber.equals(orderNumber)).findFirst().orElse(null);
    }

    /** A platform order; every change moves its {@code updated_at} to now (strictly later than before). */
    public final class Order {
        final String id;
        final String orderNumber;
        volatile String approval;
        final Instant createdAt;
        volatile Instant updatedAt;
        final List<Po> pos = new CopyOnWriteArrayList<>();

        Order(String id, String orderNumber, String approval) {
            this.id = id;
            this.orderNumber = orderNumber;
            this.approval = approval;
            this.createdAt = Instant.now();
            this.updatedAt = createdAt;
        }

        public String id() {
            return id;
        }

        public Order po(String poNumber, String supplier) {
            pos.add(new Po("p-" + ids.incrementAndGet(), poNumber, supplier, LocalDate.of(2026, 12, 1),
                    LocalDate.of(2026, 12, 10), "in_production"));
            touch();
            return this;
        }

        public Order approval(String value) {
            this.approval = value;
            touch();
            return this;
        }

        /** Changes a PO's supplier. */
        public Order supplier(String poNumber, String supplier) {
            pos.replaceAll(p -> p.poNumber.equals(poNumber) ? new Po(p.id, p.poNumber, supplier, p.shipDate, p.inHandsDate,
                    p.operationsStatus) : p);
            touch();
            return this;
        }

        /** Moves one of this order's POs to another order (both change). */
        public Order movePo(String poNumber, Order to) {
            Po po = pos.stream().filter(p -> p.poNumber.equals(poNumber)).findFirst().orElseThrow();
            pos.remove(po);
            to.pos.add(po);
            touch();
            to.touch();
            return this;
        }

        /** Sets {@code updated_at} (e.g. into the past, to fall before a {@code since}). */
        public Order updatedAt(Instant at) {
            this.updatedAt = at;
            return this;
        }

        public Order touch() {
            Instant now = Instant.now();
            updatedAt = now.isAfter(updatedAt) ? now : updatedAt.plusMillis(1);
            return this;
        }
    }

    record Po(String id, String poNumber, String supplier, LocalDate shipDate, LocalDate inHandsDate,
            String operationsStatus) {
    }

    // --- Faults -------------------------------------------------------------------------------

    /** Injected faults, tried in the order they were added; the first that applies wins. */
    public static final class Faults {
        private final List<Rule> rules = new ArrayList<>();

        private record Rule(Endpoint endpoint, Integer page, String orderId, int[] remaining, Response action) {
        }

        /** For the next {@code times} requests to the endpoint. */
        public Builder next(int times, Endpoint endpoint) {
            return new Builder(endpoint, null, null, times);
        }

        /**
         * For the {@code n}-th orders request since the last reset (1-based; the client reads with a
         * moving {@code updated_since}, so a request's number, not its page parameter, tells pages apart).
         */
        public Builder ordersRequest(int n) {
            return new Builder(Endpoint.ORDERS, n, null, 1);
        }

        /** For every request of this order's purchase orders until cleared. */
        public Builder purchaseOrdersOf(Order order) {
            return new Builder(Endpoint.PURCHASE_ORDERS, null, order.id, -1);
        }

        public synchronized void clear() {
            rules.clear();
        }

        synchronized Response match(Endpoint endpoint, int page, String orderId) {
            for (Iterator<Rule> it = rules.iterator(); it.hasNext();) {
                Rule rule = it.next();
                if (rule.endpoint != endpoint || (rule.page != null && rule.page != page)
                        || (rule.orderId != null && !rule.orderId.equals(orderId))) {
                    continue;
                }
                if (rule.remaining[0] > 0 && --rule.remaining[0] == 0) {
                    it.remove();
                }
                return rule.action;
            }
            return null;
        }

        /** What the chosen requests get. */
        public final class Builder {
            private final Endpoint endpoint;
            private final Integer page;
            private final String orderId;
            private final int times;

            Builder(Endpoint endpoint, Integer page, String orderId, int times) {
                this.endpoint = endpoint;
                this.page = page;
                this.orderId = orderId;
                this.times = times;
            }

            public void status(int status) {
                add(new Response(status, Map.of(), "{\"error\":\"injected\"}", Duration.ZERO));
            }

            /** 429 with {@code Retry-After: seconds}. */
            public void retryAfter(int seconds) {
                add(new Response(429, Map.of("Retry-After", Integer.toString(seconds)), "{\"error\":\"rate limited\"}",
                        Duration.ZERO));
            }

            /** A normal answer, after {@code delay}. */
            public void slow(Duration delay) {
                add(new Response(0, Map.of(), null, delay));
            }

            /** 200 with a body that is not the documented shape (cut-off JSON). */
            public void malformed() {
                add(new Response(200, Map.of(), "{\"data\": [{\"id\": \"o-1\", \"order_number\": ", Duration.ZERO));
            }

            private void add(Response action) {
                synchronized (Faults.this) {
                    rules.add(new Rule(endpoint, page, orderId, new int[] {times}, action));
                }
            }
        }
    }

    /** An answer; status 0 means "answer normally", after the delay. */
    record Response(int status, Map<String, String> headers, String body, Duration delay) {
    }

    // --- HTTP ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        requestCount.incrementAndGet();
        String uri = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(uri);
        timedRequests.add(new Request(uri, Instant.now()));
        Response response;
        try {
            response = answer(exchange);
        } catch (RuntimeException e) {
            response = new Response(500, Map.of(), "{\"error\":\"" + e.getClass().getSimpleName() + "\"}", Duration.ZERO);
        }
        Duration wait = latency.plus(response.delay());
        Response toSend = response;
        if (wait.isZero()) {
            send(exchange, toSend);
        } else {
            timers.schedule(() -> send(exchange, toSend), wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private Response answer(HttpExchange exchange) {
        if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return new Response(401, Map.of(), "{\"error\":\"unauthorized\"}", Duration.ZERO);
        }
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (path.equals("/orders")) {
            int page = Integer.parseInt(query.getOrDefault("page", "1"));
            Response fault = faults.match(Endpoint.ORDERS, ordersRequests.incrementAndGet(), null);
            if (fault != null && fault.status() != 0) {
                return fault;
            }
            Response answer = withDelay(ordersPage(query, page), fault);
            Runnable change = answer.status() == 200 ? afterOrdersPage.remove(page) : null;
            if (change != null) {
                change.run();
            }
            return answer;
        }
        if (path.startsWith("/orders/") && path.endsWith("/purchase-orders")) {
            String id = path.substring("/orders/".length(), path.length() - "/purchase-orders".length());
            Response fault = faults.match(Endpoint.PURCHASE_ORDERS, 0, id);
            if (fault != null && fault.status() != 0) {
                return fault;
            }
            Order order = orders.get(id);
            if (order == null) {
                return new Response(404, Map.of(), "{\"error\":\"no such order\"}", Duration.ZERO);
            }
            JsonArray data = new JsonArray();
            order.pos.forEach(p -> data.add(new JsonObject().put("id", p.id()).put("po_number", p.poNumber())
                    .put("order_id", order.id).put("supplier_name", p.supplier())
                    .put("ship_date", p.shipDate().toString()).put("in_hands_date", p.inHandsDate().toString())
                    .put("operations_status", p.operationsStatus()).put("decoration", "screen print")));
            return withDelay(new Response(200, Map.of(), new JsonObject().put("data", data).encode(), Duration.ZERO), fault);
        }
        return new Response(404, Map.of(), "{\"error\":\"not found\"}", Duration.ZERO);
    }

    private Response ordersPage(Map<String, String> query, int page) {
        int perPage = Math.min(Integer.parseInt(query.getOrDefault("per_page", "50")), 250);
        Instant since = query.containsKey("updated_since") ? OffsetDateTime.parse(query.get("updated_since")).toInstant() : null;
        List<Order> matching = orders.values().stream()
                .filter(o -> since == null || !o.updatedAt.isBefore(since))
                .sorted(Comparator.comparing((Order o) -> o.updatedAt).thenComparing(o -> o.id))
                .toList();
        int lastPage = Math.max(1, (matching.size() + perPage - 1) / perPage);
        JsonArray data = new JsonArray();
        matching.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(o -> data.add(new JsonObject()
                .put("id", o.id).put("order_number", o.orderNumber)
                .put("status", new JsonObject().put("approval", new JsonObject().put("value", o.approval))
                        .put("production", "open"))
                .put("created_at", o.createdAt.toString()).put("updated_at", o.updatedAt.toString())
                .put("customer", new JsonObject().put("name", "Promo Co"))));
        JsonObject body = new JsonObject().put("data", data)
                .put("meta", new JsonObject().put("current_page", page).put("last_page", lastPage).put("per_page", perPage)
                        .put("total", matching.size()));
        return new Response(200, Map.of(), body.encode(), Duration.ZERO);
    }

    private static Response withDelay(Response response, Response fault) {
        return fault == null ? response : new Response(response.status(), response.headers(), response.body(), fault.delay());
    }

    private void send(HttpExchange exchange, Response response) {
        try {
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the client gave up (timeout); nothing to answer
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }
}

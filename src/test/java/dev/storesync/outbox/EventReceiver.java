package dev.storesync.outbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A subscriber of outbound events over real HTTP ({@code POST /events} on 127.0.0.1, a free port):
 * records every delivery with its headers and raw body, answers 200, or an injected status for an
 * event id the first N times (or always).
 */
public final class EventReceiver implements AutoCloseable {

    /** One delivery as received; {@code answered} is the status it got. */
    public record Delivery(String eventId, String eventType, String attempt, String signature, byte[] body, int answered) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Map<String, int[]> failures = new ConcurrentHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public EventReceiver start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "event-receiver");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/events", this::handle);
        server.start();
        return this;
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    /** The first {@code times} deliveries of the event get {@code status}; negative times: all of them. */
    public void fail(String eventId, int times, int status) {
        failures.put(eventId, new int[] {times, status});
    }

    public List<Delivery> deliveries(String eventId) {
        return deliveries.stream().filter(d -> eventId.equals(d.eventId())).toList();
    }

    public List<Delivery> deliveriesOfType(String type) {
        return deliveries.stream().filter(d -> type.equals(d.eventType())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String id = exchange.getRequestHeaders().getFirst("StoreSync-Event-Id");
        int status = 200;
        int[] rule = id == null ? null : failures.get(id);
        if (rule != null) {
            synchronized (rule) {
                if (rule[0] != 0) {
                    status = rule[1];
                    if (rule[0] > 0) {
                        rule[0]--;
                    }
                }
            }
        }
        deliveries.add(new Delivery(id, exchange.getRequestHeaders().getFirst("StoreSync-Event-Type"),
                exchange.getRequestHeaders().getFirst("StoreSync-Delivery-Attempt"),
                exchange.getRequestHeaders().getFirst("StoreSync-Signature"), body, status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}

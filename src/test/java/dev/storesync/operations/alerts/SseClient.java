package dev.storesync.operations.alerts;

import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events client as a browser's EventSource is: it parses {@code id:}, {@code event:},
 * {@code data:} and comment lines into frames, on a thread of its own, until closed.
 */
final class SseClient implements AutoCloseable {

    /** One dispatched event, or a comment ({@code event} "comment", the text in {@code data}). */
    record Frame(String id, String event, String data) {
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<InputStream>> response;
    private volatile InputStream body;
    private volatile int status;

    private SseClient(String apiKey, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + "/sync/orders/alerts")).header("Accept", "text/event-stream").header("Authorization", "Bearer " + apiKey)
                .timeout(Duration.ofMinutes(5)).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.thenAccept(r -> {
            status = r.statusCode();
            body = r.body();
            Thread reader = new Thread(() -> read(r.body()), "sse-client");
            reader.setDaemon(true);
            reader.start();
        });
    }

    static SseClient open(String apiKey, String lastEventId) {
        return new SseClient(apiKey, lastEventId);
    }

    int status() {
        return status;
    }

    List<Frame> frames() {
        return List.copyOf(frames);
    }

    List<Frame> events(String name) {
        return frames.stream().filter(f -> name.equals(f.event())).toList();
    }

    private void read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            List<String> data = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (event != null || !data.isEmpty()) {
                        frames.add(new Frame(id, event == null ? "message" : event, String.join("\n", data)));
                    }
                    id = null;
                    event = null;
                    data = new ArrayList<>();
                } else if (line.startsWith(":")) {
                    frames.add(new Frame(null, "comment", line.substring(1).trim()));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).trim());
                }
            }
        } catch (java.io.IOException e) {
            // closed by the test
        }
    }

    @Override
    public void close() throws Exception {
        response.cancel(true);
        InputStream in = body;
        if (in != null) {
            in.close();
        }
    }
}

package dev.storesync.shopify.sim;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the simulator received, with the status it answered ({@code -1} when the connection
 * was dropped). {@code shop}, {@code endpoint} and {@code operationName} are null where they do not
 * apply.
 */
public record RecordedRequest(Instant at, String method, String path, String query, Map<String, List<String>> headers,
        String body, String shop, Faults.Endpoint endpoint, String operationName, int status) {

    /** The first value of a header, case-insensitive, or null. */
    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().isEmpty() ? null : e.getValue().get(0)).findFirst().orElse(null);
    }

    RecordedRequest withStatus(int answered) {
        return new RecordedRequest(at, method, path, query, headers, body, shop, endpoint, operationName, answered);
    }
}

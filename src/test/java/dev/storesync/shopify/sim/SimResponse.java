package dev.storesync.shopify.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer of the simulator, before it is written to the exchange. */
record SimResponse(int status, Map<String, String> headers, byte[] body) {

    static SimResponse json(int status, Object value) {
        try {
            return new SimResponse(status, new LinkedHashMap<>(Map.of("Content-Type", "application/json; charset=utf-8")),
                    ShopifySimulator.JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static SimResponse errors(int status, String message) {
        return json(status, Map.of("errors", message));
    }

    SimResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new SimResponse(status, copy, body);
    }
}

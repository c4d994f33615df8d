package dev.storesync.shopify.client;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The Admin GraphQL documents in {@code src/main/resources/graphql}, one operation per file, read once. */
@ApplicationScoped
public class GraphqlDocuments {

    private final Map<String, String> cache = new ConcurrentHashMap<>();

    /** The text of {@code graphql/<operation>.graphql}. */
    public String get(String operation) {
        return cache.computeIfAbsent(operation, GraphqlDocuments::load);
    }

    private static String load(String operation) {
        String path = "graphql/" + operation + ".graphql";
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("No GraphQL document " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

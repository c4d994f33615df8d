package dev.storesync.webhooks;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only handler: fails the first {@code fail_times} calls for each webhook id, then succeeds.
 * With {@code "fail_with": "bug"} it fails the way a bug does, with a NullPointerException.
 */
@Singleton
public class FlakyHandler implements WebhookHandler {

    public static final String TOPIC = "test/flaky";

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public Set<String> topics() {
        return Set.of(TOPIC);
    }

    @Override
    public boolean subscribable() {
        return false;
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        int call = calls.computeIfAbsent(delivery.webhookId(), id -> new AtomicInteger()).incrementAndGet();
        if (call <= delivery.payload().getInteger("fail_times", 0)) {
            if ("bug".equals(delivery.payload().getString("fail_with"))) {
                String missing = delivery.payload().getString("no_such_field");
                return Uni.createFrom().failure(new IllegalStateException("length " + missing.length()));
            }
            return Uni.createFrom().failure(new IllegalStateException("planned failure " + call));
        }
        return Uni.createFrom().voidItem();
    }
}

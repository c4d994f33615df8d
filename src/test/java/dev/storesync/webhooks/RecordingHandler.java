package dev.storesync.webhooks;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Test-only handler: counts its calls per webhook id, and waits {@code delay_ms} if the payload asks. */
@Singleton
public class RecordingHandler implements WebhookHandler {

    public static final String TOPIC = "test/recorded";

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
        calls.computeIfAbsent(delivery.webhookId(), id -> new AtomicInteger()).incrementAndGet();
        long delay = delivery.payload().getLong("delay_ms", 0L);
        Uni<Void> done = Uni.createFrom().voidItem();
        return delay == 0 ? done : done.onItem().delayIt().by(Duration.ofMillis(delay));
    }

    public int calls(String webhookId) {
        AtomicInteger count = calls.get(webhookId);
        return count == null ? 0 : count.get();
    }
}

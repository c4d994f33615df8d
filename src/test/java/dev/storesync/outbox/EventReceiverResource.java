package dev.storesync.outbox;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts an {@link EventReceiver} for Quarkus tests, makes it the one outbox subscriber with
 * {@link #SECRET} and injects it into fields annotated with {@link InjectEventReceiver}.
 */
public class EventReceiverResource implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "test-outbox-secret";

    private EventReceiver receiver;

    @Override
    public Map<String, String> start() {
        receiver = new EventReceiver().start();
        return Map.of("storesync.outbox.subscribers", receiver.url(), "storesync.outbox.secret", SECRET);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(receiver,
                new TestInjector.AnnotatedAndMatchesType(InjectEventReceiver.class, EventReceiver.class));
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.stop();
        }
    }
}

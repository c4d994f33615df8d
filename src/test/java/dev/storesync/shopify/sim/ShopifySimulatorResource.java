package dev.storesync.shopify.sim;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a {@link ShopifySimulator} on a free port for Quarkus tests, points
 * {@code storesync.shopify.admin-base-url} at it and injects it into fields annotated with
 * {@link InjectShopifySimulator}. Its app credentials are those of the test profile.
 */
public class ShopifySimulatorResource implements QuarkusTestResourceLifecycleManager {

    /** {@code %test.storesync.shopify.client-id}. */
    public static final String CLIENT_ID = "test-client-id";

    /** {@code %test.storesync.shopify.client-secret}. */
    public static final String CLIENT_SECRET = "test-client-secret";

    private ShopifySimulator simulator;

    @Override
    public Map<String, String> start() {
        simulator = new ShopifySimulator(CLIENT_ID, CLIENT_SECRET).start();
        return Map.of("storesync.shopify.admin-base-url", simulator.adminBaseUrl());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(simulator,
                new TestInjector.AnnotatedAndMatchesType(InjectShopifySimulator.class, ShopifySimulator.class));
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.stop();
        }
    }
}

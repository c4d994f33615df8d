package dev.storesync.testing;

import dev.storesync.outbox.EventReceiverResource;
import dev.storesync.platform.fake.FakePlatformResource;
import dev.storesync.shopify.sim.ShopifySimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Test resources every Quarkus test and integration test gets. Sharing them keeps one application
 * start for the whole suite; tests isolate themselves with unique shop domains.
 */
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ShopifySimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakePlatformResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = EventReceiverResource.class, restrictToAnnotatedClass = false)
public final class GlobalTestResources {
    private GlobalTestResources() {
    }
}

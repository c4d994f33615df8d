package dev.storesync.shopify.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.testing.ConnectedShop;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The call deadline covers the wait for the cost bucket, and a call past it is cancelled: a
 * fulfillmentCreate queued behind a drained bucket is never sent once its caller has given up.
 */
@QuarkusTest
@TestProfile(CallTimeoutTest.OneSecondCalls.class)
class CallTimeoutTest {

    /** One second per attempt; a 50-point mutation then waits 5 s for a bucket restoring 10 points/s. */
    public static class OneSecondCalls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("storesync.shopify.client.call-timeout", "1S",
                    "storesync.shopify.client.default-query-cost", "50");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    ShopifyAdminClient client;

    @Test
    void shouldNeverSendAMutationWhoseCallTimedOutWaitingForTheCostBucket() {
        ConnectedShop store = ConnectedShop.connect(sim, "deadline");
        store.shop.bucket(1000, 10).drainBucket();
        // StoreSync learns that the bucket is empty (THROTTLED, then a paced resend).
        assertThat(client.query(store.domain, "ShopInfo", Map.of()).await().atMost(WAIT))
                .isInstanceOf(ShopifyResult.Success.class);

        ShopifyResult result = client.mutateOnce(store.domain, "FulfillmentCreate", Map.of("fulfillment",
                Map.of("lineItemsByFulfillmentOrder", java.util.List.of(Map.of("fulfillmentOrderId",
                        "gid://shopify/FulfillmentOrder/1"))))).await().atMost(WAIT);
        assertThat(result).isInstanceOfSatisfying(ShopifyResult.Transient.class,
                t -> assertThat(t.cause()).isEqualTo(ShopifyResult.Cause.TIMED_OUT));

        store.shop.bucket(1000, 1000);
        // Longer than the 5 s the mutation would have waited for its turn.
        await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10))
                .until(() -> sim.operations(store.domain, "FulfillmentCreate").isEmpty());
        assertThat(client.query(store.domain, "ShopInfo", Map.of()).await().atMost(WAIT))
                .isInstanceOf(ShopifyResult.Success.class);
    }
}

package dev.storesync.shipments.sync;

import dev.storesync.shopify.client.OperatorMessage;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * Cancels a fulfillment in Shopify and tells whether it is cancelled now. The answer comes from
 * the fulfillment's status as Shopify reports it after the attempt, never from the wording of an
 * error: "already cancelled" and "cannot be cancelled" both arrive as userErrors.
 */
@ApplicationScoped
public class FulfillmentCanceller {

    /** The fulfillment's state after the attempt. */
    public sealed interface Outcome {
    }

    /** Cancelled in Shopify (now or before), or gone. */
    public record Cancelled() implements Outcome {
    }

    /** Still live: Shopify refused or could not be asked; {@code message} says why, for people. */
    public record Refused(OperatorMessage message) implements Outcome {
    }

    private final ShopifyAdminClient shopify;

    public FulfillmentCanceller(ShopifyAdminClient shopify) {
        this.shopify = shopify;
    }

    public Uni<Outcome> cancel(String shop, String fulfillmentId) {
        return shopify.query(shop, "FulfillmentCancel", Map.of("id", fulfillmentId)).chain(result -> {
            if (result instanceof ShopifyResult.Success s && "CANCELLED".equals(statusIn(s.data()
                    .getJsonObject("fulfillmentCancel", new JsonObject()).getJsonObject("fulfillment")))) {
                return Uni.createFrom().item(new Cancelled());
            }
            return shopify.query(shop, "FulfillmentStatus", Map.of("id", fulfillmentId)).map(status -> {
                if (!(status instanceof ShopifyResult.Success s)) {
                    return new Refused(result instanceof ShopifyResult.Success ? status.message() : result.message());
                }
                JsonObject fulfillment = s.data().getJsonObject("fulfillment");
                String now = statusIn(fulfillment);
                if (fulfillment == null || "CANCELLED".equals(now)) {
                    return new Cancelled();
                }
                Log.infof("Shopify did not cancel fulfillment %s of %s (status %s)", fulfillmentId, shop, now);
                return new Refused(result instanceof ShopifyResult.Success
                        ? new OperatorMessage("Shopify still reports fulfillment " + fulfillmentId + " as " + now + ".",
                                "Shopifyではフルフィルメント " + fulfillmentId + " の状態が " + now + " のままです。")
                        : result.message());
            });
        });
    }

    private static String statusIn(JsonObject fulfillment) {
        return fulfillment == null ? null : fulfillment.getString("status");
    }
}

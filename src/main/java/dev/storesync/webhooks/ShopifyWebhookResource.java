package dev.storesync.webhooks;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * Where Shopify delivers webhooks. Public: the HMAC signature, not an API key, authenticates the
 * caller. The body is taken as raw bytes because the signature covers exactly those bytes; see
 * {@link WebhookIntakeService} for the checks and their order.
 */
@Path("/webhooks/shopify")
public class ShopifyWebhookResource {

    private final WebhookIntakeService intake;

    public ShopifyWebhookResource(WebhookIntakeService intake) {
        this.intake = intake;
    }

    @POST
    @PermitAll
    @WebhookBodyLimit.Enforced
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<WebhookIntakeService.Receipt> receive(byte[] body,
            @RestHeader("X-Shopify-Hmac-Sha256") String hmac,
            @RestHeader("X-Shopify-Topic") String topic,
            @RestHeader("X-Shopify-Shop-Domain") String shopDomain,
            @RestHeader("X-Shopify-Webhook-Id") String webhookId,
            @RestHeader("X-Shopify-Event-Id") String eventId,
            @RestHeader("X-Shopify-Triggered-At") String triggeredAt,
            @RestHeader("X-Shopify-API-Version") String apiVersion,
            @RestHeader("X-Shopify-Name") String subscriptionName) {
        return intake.receive(body, new WebhookIntakeService.DeliveryHeaders(hmac, topic, shopDomain, webhookId,
                eventId, triggeredAt, apiVersion, subscriptionName));
    }
}

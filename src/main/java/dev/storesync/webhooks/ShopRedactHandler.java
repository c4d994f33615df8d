package dev.storesync.webhooks;

import dev.storesync.shops.ShopService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * {@code shop/redact}, sent 48 hours after an uninstall: erase everything held for the shop. The
 * shop row goes (and with it every row that references it with {@code ON DELETE CASCADE}), then
 * the shop's inbox rows except this one, which stays as the visible record of the request.
 */
@ApplicationScoped
public class ShopRedactHandler implements WebhookHandler {

    private final ShopService shops;
    private final InboxRepository inbox;
    private final ComplianceRepository audit;

    public ShopRedactHandler(ShopService shops, InboxRepository inbox, ComplianceRepository audit) {
        this.shops = shops;
        this.inbox = inbox;
        this.audit = audit;
    }

    @Override
    public Set<String> topics() {
        return Set.of("shop/redact");
    }

    @Override
    public Uni<Void> handle(InboxDelivery request) {
        String shop = request.shopDomain();
        return shops.erase(shop, request.triggeredAt()).chain(outcome -> {
            if (outcome == ShopService.Outcome.REINSTALLED_SINCE) {
                Log.infof("Compliance shop/redact %s for %s skipped: the shop installed the app again since",
                        request.webhookId(), shop);
                return audit.record(request, null, "skipped: shop reinstalled after the request",
                        new JsonObject().put("shopRowDeleted", false).put("inboxRowsDeleted", 0));
            }
            return inbox.deleteShopRows(shop, request.id()).chain(deleted -> {
                boolean shopDeleted = outcome == ShopService.Outcome.DONE;
                Log.infof("Compliance shop/redact %s for %s: shop row %s, %d other webhook row(s) deleted",
                        request.webhookId(), shop, shopDeleted ? "deleted" : "already gone", deleted);
                return audit.record(request, null, "erased",
                        new JsonObject().put("shopRowDeleted", shopDeleted).put("inboxRowsDeleted", deleted));
            });
        });
    }
}

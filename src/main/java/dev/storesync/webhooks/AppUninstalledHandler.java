package dev.storesync.webhooks;

import dev.storesync.shops.ShopService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** {@code app/uninstalled}: the shop becomes uninstalled and its tokens are wiped. */
@ApplicationScoped
public class AppUninstalledHandler implements WebhookHandler {

    private final ShopService shops;

    public AppUninstalledHandler(ShopService shops) {
        this.shops = shops;
    }

    @Override
    public Set<String> topics() {
        return Set.of("app/uninstalled");
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        return shops.markUninstalled(delivery.shopDomain(), delivery.triggeredAt()).invoke(outcome -> {
            switch (outcome) {
                case REINSTALLED_SINCE -> Log.infof("Ignoring app/uninstalled %s for %s: the shop was installed again since",
                        delivery.webhookId(), delivery.shopDomain());
                case NOT_FOUND -> Log.infof("Ignoring app/uninstalled %s: shop %s is no longer registered",
                        delivery.webhookId(), delivery.shopDomain());
                default -> {
                }
            }
        }).replaceWithVoid();
    }
}

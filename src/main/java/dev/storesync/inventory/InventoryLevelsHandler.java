package dev.storesync.inventory;

import dev.storesync.webhooks.InboxDelivery;
import dev.storesync.webhooks.WebhookHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * A partner's {@code inventory_levels/update}: queues the mapped items it names for a live re-sync
 * (see {@link LiveSync}). The payload is only a trigger: the sync reads the partner's current stock,
 * so a late, repeated or out-of-order delivery is harmless. Deliveries from the owner (echoes of our
 * own writes) or any other shop that is no active partner are ignored, which also rules out
 * ping-pong between stores; so is a level at another location than the partner's chosen one.
 */
@ApplicationScoped
public class InventoryLevelsHandler implements WebhookHandler {

    private final Partners partners;
    private final ProductMappings mappings;
    private final LiveQueue queue;
    private final InventoryConfig config;
    private final LiveSync live;

    InventoryLevelsHandler(Partners partners, ProductMappings mappings, LiveQueue queue, InventoryConfig config,
            LiveSync live) {
        this.live = live;
        this.partners = partners;
        this.mappings = mappings;
        this.queue = queue;
        this.config = config;
    }

    @Override
    public Set<String> topics() {
        return Set.of(LiveSubscriptions.TOPIC);
    }

    /** Partners only are subscribed, through {@link LiveSubscriptions}; other shops never get the topic. */
    @Override
    public boolean subscribable() {
        return false;
    }

    @Override
    public Uni<Void> handle(InboxDelivery delivery) {
        Object item = delivery.payload().getValue("inventory_item_id");
        Object location = delivery.payload().getValue("location_id");
        if (!(item instanceof Number) && !(item instanceof String)) {
            Log.debugf("inventory_levels/update %s without inventory_item_id; ignored", delivery.webhookId());
            return Uni.createFrom().voidItem();
        }
        String itemGid = "gid://shopify/InventoryItem/" + item;
        String locationGid = location == null ? null : "gid://shopify/Location/" + location;
        return partners.activeByDomain(delivery.shopDomain()).chain(partner -> {
            if (partner == null) {
                return Uni.createFrom().voidItem();
            }
            if (partner.locationGid() != null && !partner.locationGid().equals(locationGid)) {
                return Uni.createFrom().voidItem();
            }
            return mappings.activeIdsForItem(partner.id(), itemGid).chain(ids -> {
                if (ids.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                Log.debugf("Partner %d: %s changed; mapping(s) %s queued for a live sync", partner.id(), itemGid, ids);
                return queue.enqueue(partner.id(), ids, config.live().debounce()).invoke(live::wakeAfterDebounce);
            });
        });
    }
}

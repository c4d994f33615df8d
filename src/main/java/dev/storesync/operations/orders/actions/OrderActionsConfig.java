package dev.storesync.operations.orders.actions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the dashboard's write actions. */
@ConfigMapping(prefix = "storesync.operations.orders.actions")
public interface OrderActionsConfig {

    /** The assignee an order is handed to when support is requested for it. */
    @WithDefault("assistant")
    String supportAssignee();

    /** The Shopify metafield an assignment is queued for (an outbox entry, written by AssigneeMetafieldWriter when enabled). */
    AssigneeMetafield assigneeMetafield();

    interface AssigneeMetafield {
        /** Whether the queued metafield entries are written to Shopify ({@code metafieldsSet}); off, they wait. */
        @WithDefault("false")
        boolean enabled();

        /** How often each replica looks for queued metafield entries (when enabled). */
        @WithDefault("10S")
        java.time.Duration interval();

        /** Metafield namespace on the order. */
        @WithDefault("storesync")
        String namespace();

        /** Metafield key on the order. */
        @WithDefault("assignee")
        String key();
    }
}

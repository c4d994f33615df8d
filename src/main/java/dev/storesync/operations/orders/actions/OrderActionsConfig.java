package dev.storesync.operations.orders.actions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the dashboard's write actions. */
@ConfigMapping(prefix = "storesync.operations.orders.actions")
public interface OrderActionsConfig {

    /** The assignee an order is handed to when support is requested for it. */
    @WithDefault("assistant")
    String supportAssignee();

    /** The Shopify metafield an assignment is queued for (an outbox entry; no writer drains it yet). */
    AssigneeMetafield assigneeMetafield();

    interface AssigneeMetafield {
        /** Metafield namespace on the order. */
        @WithDefault("storesync")
        String namespace();

        /** Metafield key on the order. */
        @WithDefault("assignee")
        String key();
    }
}

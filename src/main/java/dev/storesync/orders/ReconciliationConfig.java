package dev.storesync.orders;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the periodic order reconciliation re-reads recently changed orders from Shopify (webhooks can
 * be lost). Replaces {@code storesync.fulfillment.reconcile-interval} and {@code .reconcile-window}.
 */
@ConfigMapping(prefix = "storesync.reconciliation")
public interface ReconciliationConfig {

    /** How often a run starts; one replica runs it per interval (a lease of half the interval). */
    @WithDefault("30M")
    Duration interval();

    /** How far back a run looks (Shopify stops retrying webhooks after 4 hours). */
    @WithDefault("6H")
    Duration window();

    /** Orders per GraphQL page; each costs about 56 points and a query may cost at most 1,000. */
    @WithDefault("10")
    int pageSize();

    /** Pages read per shop and run; the oldest changes of a busier window are left to earlier runs. */
    @WithDefault("100")
    int maxPages();
}

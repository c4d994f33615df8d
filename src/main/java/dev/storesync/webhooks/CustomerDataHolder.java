package dev.storesync.webhooks;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Customer data a feature keeps outside the inbox (orders keep name and email for display), for
 * Shopify's compliance requests. The feature implements it as a bean, so the compliance handlers
 * here need not know the feature (webhooks is the SPI that features depend on, never the reverse).
 * A customer is matched by email or by the orders Shopify lists.
 */
public interface CustomerDataHolder {

    /** How many records of the shop hold data of this customer. */
    Uni<Integer> count(String shop, String email, List<Long> orderIds);

    /** Removes the customer's data from the shop's records; returns how many records changed. */
    Uni<Integer> redact(String shop, String email, List<Long> orderIds);
}

package dev.storesync.orders;

import dev.storesync.webhooks.CustomerDataHolder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The customer data orders hold (name and email, for display), for Shopify's compliance
 * requests: a customer is matched by email or by the orders Shopify lists.
 */
@ApplicationScoped
public class OrderCustomerData implements CustomerDataHolder {

    private static final String MATCH = """
            o.shop_id = (SELECT id FROM shops WHERE domain = $1)
            AND ((o.customer_email IS NOT NULL AND lower(o.customer_email) = lower($2)) OR o.shopify_id = ANY($3))""";

    private final Pool pool;

    public OrderCustomerData(Pool pool) {
        this.pool = pool;
    }

    /** How many orders of the shop hold data of this customer. */
    @Override
    public Uni<Integer> count(String shop, String email, List<Long> orderIds) {
        return pool.preparedQuery("SELECT count(*) AS n FROM orders o WHERE " + MATCH
                + " AND (o.customer_name IS NOT NULL OR o.customer_email IS NOT NULL)")
                .execute(params(shop, email, orderIds)).map(rows -> rows.iterator().next().getInteger("n"));
    }

    /** Removes the customer's name and email from the shop's orders; returns how many orders changed. */
    @Override
    public Uni<Integer> redact(String shop, String email, List<Long> orderIds) {
        return pool.preparedQuery("UPDATE orders o SET customer_name = NULL, customer_email = NULL, updated_at = now() WHERE "
                + MATCH + " AND (o.customer_name IS NOT NULL OR o.customer_email IS NOT NULL)")
                .execute(params(shop, email, orderIds)).map(rows -> rows.rowCount());
    }

    private static Tuple params(String shop, String email, List<Long> orderIds) {
        return Tuple.of(shop, email, (orderIds == null ? List.<Long>of() : orderIds).toArray(Long[]::new));
    }
}

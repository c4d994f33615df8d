package dev.storesync.inventory;

import dev.storesync.shopify.subscriptions.ShopTopics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/** Partner stores, and only they, are subscribed to {@code inventory_levels/update}. */
@ApplicationScoped
public class LiveSubscriptions implements ShopTopics {

    static final String TOPIC = "inventory_levels/update";

    private final Pool pool;

    LiveSubscriptions(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Set<String>> topicsFor(String domain) {
        return pool.preparedQuery("""
                SELECT 1 FROM partners p JOIN shops s ON s.id = p.shop_id WHERE s.domain = $1 AND p.active""")
                .execute(Tuple.of(domain)).map(rows -> rows.rowCount() == 0 ? Set.of() : Set.of(TOPIC));
    }
}

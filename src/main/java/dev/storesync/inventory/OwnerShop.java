package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * The owner store: the one connected shop flagged {@code inventory_owner}, and the location its
 * stock is set at (given by the admin, or its primary location read from Shopify once and cached).
 */
@ApplicationScoped
public class OwnerShop {

    /** What a run needs of the owner; {@code apiVersion} is the Admin API version its calls use. */
    record Owner(long shopId, String domain, String locationGid, String apiVersion) {

        /**
         * The {@code @idempotent} directive exists from API 2026-01 (and is required from 2026-04);
         * "unstable" sorts after every dated version.
         */
        boolean supportsIdempotencyKeys() {
            return apiVersion != null && apiVersion.compareTo("2026-01") >= 0;
        }
    }

    private final Pool pool;
    private final ShopifyAdminClient shopify;

    OwnerShop(Pool pool, ShopifyAdminClient shopify) {
        this.pool = pool;
        this.shopify = shopify;
    }

    /** Flags the shop as the owner (unflagging the previous one) and sets or clears its location. */
    public Uni<InventoryDtos.OwnerView> set(InventoryDtos.OwnerRequest request) {
        return pool.withTransaction(c -> c.preparedQuery("""
                SELECT s.id, EXISTS (SELECT 1 FROM partners p WHERE p.shop_id = s.id) AS partner
                FROM shops s WHERE s.id = $1""").execute(Tuple.of(request.shopId())).chain(found -> {
            if (found.rowCount() == 0) {
                throw ProblemException.invalidField("shopId", "no shop with id " + request.shopId());
            }
            if (found.iterator().next().getBoolean("partner")) {
                throw ProblemException.invalidField("shopId", "shop " + request.shopId() + " is a partner");
            }
            return c.preparedQuery("UPDATE shops SET inventory_owner = FALSE, inventory_location_gid = NULL, "
                    + "updated_at = now() WHERE inventory_owner AND id <> $1").execute(Tuple.of(request.shopId()))
                    .chain(() -> c.preparedQuery("""
                            UPDATE shops SET inventory_owner = TRUE, inventory_location_gid = $2, updated_at = now()
                            WHERE id = $1 RETURNING id, domain, inventory_location_gid""")
                            .execute(Tuple.of(request.shopId(), request.locationGid())));
        })).map(rows -> view(rows.iterator().next()))
                .onFailure(OwnerShop::isUniqueViolation)
                .transform(e -> ProblemException.conflict("another owner shop was set at the same time"))
                .invoke(v -> Log.infof("Inventory owner shop is now %s (location %s)", v.domain(),
                        v.locationGid() == null ? "primary" : v.locationGid()));
    }

    /** The owner, or null when none is set. */
    public Uni<InventoryDtos.OwnerView> get() {
        return pool.query("SELECT id, domain, inventory_location_gid FROM shops WHERE inventory_owner").execute()
                .map(rows -> rows.rowCount() == 0 ? null : view(rows.iterator().next()));
    }

    /** The owner with its location, reading and caching the primary location when none is stored. */
    Uni<Owner> forRun() {
        return pool.query("SELECT id, domain, inventory_location_gid, api_version FROM shops WHERE inventory_owner")
                .execute().chain(rows -> {
            if (rows.rowCount() == 0) {
                throw new IllegalStateException("no owner shop is set");
            }
            Row row = rows.iterator().next();
            InventoryDtos.OwnerView view = view(row);
            String apiVersion = row.getString("api_version");
            if (view.locationGid() != null) {
                return Uni.createFrom().item(new Owner(view.shopId(), view.domain(), view.locationGid(), apiVersion));
            }
            return shopify.query(view.domain(), "InventoryPrimaryLocation", Map.of()).chain(result -> {
                if (!(result instanceof ShopifyResult.Success ok)
                        || ok.data().getJsonObject("location") == null) {
                    throw new IllegalStateException("the owner's primary location could not be read: "
                            + result.message().en());
                }
                String location = ok.data().getJsonObject("location").getString("id");
                return pool.preparedQuery("UPDATE shops SET inventory_location_gid = $2 WHERE id = $1 "
                        + "AND inventory_owner AND inventory_location_gid IS NULL")
                        .execute(Tuple.of(view.shopId(), location))
                        .replaceWith(new Owner(view.shopId(), view.domain(), location, apiVersion));
            });
        });
    }

    private static InventoryDtos.OwnerView view(Row r) {
        return new InventoryDtos.OwnerView(r.getLong("id"), r.getString("domain"), r.getString("inventory_location_gid"));
    }

    static boolean isUniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}

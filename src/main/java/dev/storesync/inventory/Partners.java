package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import dev.storesync.shopify.subscriptions.SubscriptionRegistrar;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Partner stores (the {@code partners} table): connected shops whose stock is copied to the owner's. */
@ApplicationScoped
public class Partners {

    /** What a run needs of a partner; {@code locationGid} null means the variant's total stock. */
    record Partner(long id, String domain, String displayName, String locationGid) {
    }

    private static final String SELECT_VIEW = """
            SELECT p.id, p.shop_id, s.domain, p.display_name, p.active, p.status, p.last_sync_at, p.last_error,
                   p.items_failing, p.location_gid,
                   (SELECT count(*) FROM product_mappings m WHERE m.partner_id = p.id AND m.active) AS mappings
            FROM partners p JOIN shops s ON s.id = p.shop_id""";

    private final Pool pool;
    private final SubscriptionRegistrar subscriptions;

    Partners(Pool pool, SubscriptionRegistrar subscriptions) {
        this.pool = pool;
        this.subscriptions = subscriptions;
    }

    public Uni<InventoryDtos.PartnerView> create(InventoryDtos.PartnerRequest request) {
        return pool.withTransaction(c -> c.preparedQuery("SELECT inventory_owner FROM shops WHERE id = $1")
                .execute(Tuple.of(request.shopId())).chain(shop -> {
                    if (shop.rowCount() == 0) {
                        throw ProblemException.invalidField("shopId", "no shop with id " + request.shopId());
                    }
                    if (shop.iterator().next().getBoolean("inventory_owner")) {
                        throw ProblemException.invalidField("shopId", "shop " + request.shopId() + " is the owner shop");
                    }
                    return c.preparedQuery("INSERT INTO partners (shop_id, display_name, location_gid) VALUES ($1, $2, $3) "
                            + "RETURNING id").execute(Tuple.of(request.shopId(), request.displayName().trim(),
                                    request.locationGid()));
                }).chain(rows -> find(c, rows.iterator().next().getLong("id"))))
                .onFailure(OwnerShop::isUniqueViolation)
                .transform(e -> ProblemException.conflict("shop " + request.shopId() + " is already a partner"))
                .invoke(p -> Log.infof("Partner %d (%s) added for shop %s", p.id(), p.displayName(), p.domain()))
                // Live updates: the shop is now subscribed to inventory_levels/update as well. Shopify's refusals
                // and outages are recorded on the shop's subscription states (POST /admin/shops/{id}/subscriptions
                // retries); the partner exists either way and the sweep covers it.
                .call(p -> subscriptions.ensure(p.domain()).onFailure().recoverWithItem(e -> {
                    Log.warnf("Partner %d: subscribing to inventory_levels/update failed: %s", p.id(), e.toString());
                    return null;
                }));
    }

    public Uni<List<InventoryDtos.PartnerView>> list() {
        return pool.query(SELECT_VIEW + " ORDER BY p.id").execute().map(rows -> {
            List<InventoryDtos.PartnerView> out = new ArrayList<>();
            rows.forEach(r -> out.add(view(r)));
            return out;
        });
    }

    /** The partner, or null. */
    public Uni<InventoryDtos.PartnerView> get(long id) {
        return find(pool, id);
    }

    /** Stops syncing the partner; its mappings and history stay. */
    public Uni<InventoryDtos.PartnerView> deactivate(long id) {
        return pool.preparedQuery("UPDATE partners SET active = FALSE, updated_at = now() WHERE id = $1 RETURNING id")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("No partner with id " + id);
                    }
                    Log.infof("Partner %d deactivated", id);
                    return find(pool, id);
                });
    }

    /**
     * Sets or (null) clears the location whose level is the partner's stock; the next sync reads it.
     */
    public Uni<InventoryDtos.PartnerView> setLocation(long id, String locationGid) {
        return pool.preparedQuery("UPDATE partners SET location_gid = $2, updated_at = now() WHERE id = $1 RETURNING id")
                .execute(Tuple.of(id, locationGid)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("No partner with id " + id);
                    }
                    Log.infof("Partner %d reads its stock at %s", id, locationGid == null ? "all locations" : locationGid);
                    return find(pool, id);
                });
    }

    /** Active partners to sweep: all, or the one given (active or not, for an explicit re-sync). */
    Uni<List<Partner>> forRun(Long partnerId) {
        return pool.preparedQuery("""
                SELECT p.id, s.domain, p.display_name, p.location_gid FROM partners p JOIN shops s ON s.id = p.shop_id
                WHERE ($1::bigint IS NULL AND p.active) OR p.id = $1 ORDER BY p.id""")
                .execute(Tuple.of(partnerId)).map(Partners::partners);
    }

    /** The active partners of these ids (live updates sync active partners only). */
    Uni<List<Partner>> active(List<Long> ids) {
        return pool.preparedQuery("""
                SELECT p.id, s.domain, p.display_name, p.location_gid FROM partners p JOIN shops s ON s.id = p.shop_id
                WHERE p.id = ANY($1) AND p.active ORDER BY p.id""")
                .execute(Tuple.of(ids.toArray(Long[]::new))).map(Partners::partners);
    }

    /** The active partner of a shop domain, or null (the owner, or a shop that is no partner). */
    Uni<Partner> activeByDomain(String domain) {
        return pool.preparedQuery("""
                SELECT p.id, s.domain, p.display_name, p.location_gid FROM partners p JOIN shops s ON s.id = p.shop_id
                WHERE s.domain = $1 AND p.active""").execute(Tuple.of(domain))
                .map(rows -> rows.rowCount() == 0 ? null : partners(rows).get(0));
    }

    private static List<Partner> partners(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Partner> out = new ArrayList<>();
        rows.forEach(r -> out.add(new Partner(r.getLong("id"), r.getString("domain"), r.getString("display_name"),
                r.getString("location_gid"))));
        return out;
    }

    /** The partner's status after its part of a run. */
    Uni<Void> recordStatus(SqlClient c, long id, String status, String error, int itemsFailing) {
        return c.preparedQuery("""
                UPDATE partners SET status = $2, last_error = $3, items_failing = $4, last_sync_at = now(),
                       updated_at = now() WHERE id = $1""")
                .execute(Tuple.of(id, status, error, itemsFailing)).replaceWithVoid();
    }

    private static Uni<InventoryDtos.PartnerView> find(SqlClient c, long id) {
        return c.preparedQuery(SELECT_VIEW + " WHERE p.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? null : view(rows.iterator().next()));
    }

    private static InventoryDtos.PartnerView view(Row r) {
        OffsetDateTime last = r.getOffsetDateTime("last_sync_at");
        return new InventoryDtos.PartnerView(r.getLong("id"), r.getLong("shop_id"), r.getString("domain"),
                r.getString("display_name"), r.getBoolean("active"), r.getString("status"),
                last == null ? null : last.toInstant(), r.getString("last_error"), r.getInteger("items_failing"),
                r.getLong("mappings"), r.getString("location_gid"));
    }
}

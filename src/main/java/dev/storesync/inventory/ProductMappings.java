package dev.storesync.inventory;

import dev.storesync.kernel.ProblemException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Partner variant → owner variant ({@code product_mappings}). */
@ApplicationScoped
public class ProductMappings {

    /** What the sweep needs of a mapping. */
    record Mapping(long id, String partnerVariantGid, String partnerInventoryItemGid, String ownerInventoryItemGid) {
    }

    private static final String COLUMNS = "id, partner_id, partner_variant_gid, partner_inventory_item_gid, sku, "
            + "owner_variant_gid, owner_inventory_item_gid, active, created_at";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 500;

    private final Pool pool;

    ProductMappings(Pool pool) {
        this.pool = pool;
    }

    public Uni<InventoryDtos.MappingView> create(InventoryDtos.MappingRequest r) {
        return pool.preparedQuery("SELECT 1 FROM partners WHERE id = $1").execute(Tuple.of(r.partnerId()))
                .chain(partner -> {
                    if (partner.rowCount() == 0) {
                        throw ProblemException.invalidField("partnerId", "no partner with id " + r.partnerId());
                    }
                    return pool.preparedQuery("""
                            INSERT INTO product_mappings (partner_id, partner_variant_gid, partner_inventory_item_gid, sku,
                                owner_variant_gid, owner_inventory_item_gid) VALUES ($1, $2, $3, $4, $5, $6)
                            RETURNING\s""" + COLUMNS)
                            .execute(Tuple.tuple().addLong(r.partnerId()).addString(r.partnerVariantGid())
                                    .addString(r.partnerInventoryItemGid()).addString(blankToNull(r.sku()))
                                    .addString(r.ownerVariantGid()).addString(r.ownerInventoryItemGid()));
                })
                .map(rows -> view(rows.iterator().next()))
                .onFailure(OwnerShop::isUniqueViolation).transform(e -> ProblemException.conflict(
                        "owner_inventory_item_gid".equals(constraintColumn(e))
                                ? "owner inventory item " + r.ownerInventoryItemGid() + " is already fed by an active mapping"
                                : "partner variant " + r.partnerVariantGid() + " is already mapped for partner " + r.partnerId()))
                .invoke(m -> Log.debugf("Mapping %d: %s -> %s", m.id(), m.partnerVariantGid(), m.ownerVariantGid()));
    }

    private static String constraintColumn(Throwable e) {
        String constraint = ((PgException) e).getConstraint();
        return constraint != null && constraint.contains("owner_item") ? "owner_inventory_item_gid" : "partner_variant_gid";
    }

    /** Lowest id first; {@code status} is {@code active} or {@code inactive}. */
    public Uni<InventoryDtos.Page<InventoryDtos.MappingView>> list(Long partnerId, String status, Integer limit,
            String cursor) {
        Boolean active = switch (status == null ? "" : status) {
            case "" -> null;
            case "active" -> true;
            case "inactive" -> false;
            default -> throw ProblemException.invalidField("status", "must be active or inactive");
        };
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        long after = Cursors.parse(cursor);
        return pool.preparedQuery("SELECT " + COLUMNS + """
                 FROM product_mappings WHERE ($1::bigint IS NULL OR partner_id = $1)
                AND ($2::boolean IS NULL OR active = $2) AND id > $3 ORDER BY id LIMIT $4""")
                .execute(Tuple.of(partnerId, active, after, size + 1)).map(rows -> {
                    List<InventoryDtos.MappingView> out = new ArrayList<>();
                    rows.forEach(row -> out.add(view(row)));
                    return Cursors.page(out, size, InventoryDtos.MappingView::id);
                });
    }

    public Uni<InventoryDtos.MappingView> deactivate(long id) {
        return pool.preparedQuery("UPDATE product_mappings SET active = FALSE, updated_at = now() WHERE id = $1 RETURNING "
                + COLUMNS).execute(Tuple.of(id)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("No mapping with id " + id);
                    }
                    return view(rows.iterator().next());
                });
    }

    /** Deletes the mapping; failed items of past runs keep their row without it. */
    public Uni<Void> delete(long id) {
        return pool.preparedQuery("DELETE FROM product_mappings WHERE id = $1").execute(Tuple.of(id)).map(rows -> {
            if (rows.rowCount() == 0) {
                throw ProblemException.notFound("No mapping with id " + id);
            }
            return null;
        });
    }

    /** The partner's active mappings, in id order. */
    Uni<List<Mapping>> activeFor(long partnerId) {
        return pool.preparedQuery("""
                SELECT id, partner_variant_gid, partner_inventory_item_gid, owner_inventory_item_gid
                FROM product_mappings WHERE partner_id = $1 AND active ORDER BY id""")
                .execute(Tuple.of(partnerId)).map(rows -> {
                    List<Mapping> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Mapping(r.getLong("id"), r.getString("partner_variant_gid"),
                            r.getString("partner_inventory_item_gid"), r.getString("owner_inventory_item_gid"))));
                    return out;
                });
    }

    /** Ids of the partner's active mappings of a partner inventory item (a live delivery names the item). */
    Uni<List<Long>> activeIdsForItem(long partnerId, String partnerInventoryItemGid) {
        return pool.preparedQuery("""
                SELECT id FROM product_mappings WHERE partner_id = $1 AND partner_inventory_item_gid = $2 AND active
                ORDER BY id""").execute(Tuple.of(partnerId, partnerInventoryItemGid)).map(rows -> {
                    List<Long> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getLong("id")));
                    return out;
                });
    }

    /** The partner's active mappings among these ids, in id order. */
    Uni<List<Mapping>> activeAmong(long partnerId, List<Long> ids) {
        return pool.preparedQuery("""
                SELECT id, partner_variant_gid, partner_inventory_item_gid, owner_inventory_item_gid
                FROM product_mappings WHERE partner_id = $1 AND id = ANY($2) AND active ORDER BY id""")
                .execute(Tuple.of(partnerId, ids.toArray(Long[]::new))).map(rows -> {
                    List<Mapping> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Mapping(r.getLong("id"), r.getString("partner_variant_gid"),
                            r.getString("partner_inventory_item_gid"), r.getString("owner_inventory_item_gid"))));
                    return out;
                });
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static InventoryDtos.MappingView view(Row r) {
        return new InventoryDtos.MappingView(r.getLong("id"), r.getLong("partner_id"), r.getString("partner_variant_gid"),
                r.getString("partner_inventory_item_gid"), r.getString("sku"),
                r.getString("owner_variant_gid"), r.getString("owner_inventory_item_gid"), r.getBoolean("active"),
                r.getOffsetDateTime("created_at").toInstant());
    }
}

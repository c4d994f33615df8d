package dev.storesync.platform;

import dev.storesync.kernel.SqlTimes;
import dev.storesync.outbox.Outbox;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sync's writes to {@code platform_orders} and {@code purchase_orders}. Every statement changes
 * a row only when a value differs ({@code IS DISTINCT FROM}), and takes no row lock otherwise, so a
 * re-sync of unchanged orders writes nothing at all.
 */
@ApplicationScoped
public class PlatformOrderStore {

    /** What storing one order did. */
    enum Written {
        CREATED, CHANGED, UNCHANGED, SKIPPED
    }

    /** The platform order, whether the filter shows it, and its POs (normalised numbers; empty when excluded). */
    record Incoming(PlatformShapes.Order order, boolean excluded, List<Po> pos) {
    }

    /** A PO with its normalised number. */
    record Po(String number, PlatformShapes.PurchaseOrder po) {
    }

    private static final String UPDATE_ORDER = """
            WITH upd AS (
                UPDATE platform_orders SET platform_id = $2, approval = $3, status = $4::text::jsonb, excluded = $5,
                       platform_created_at = $6, platform_updated_at = $7, synced_at = now()
                WHERE order_number = $1
                  AND (platform_id, approval, status, excluded, platform_created_at, platform_updated_at)
                      IS DISTINCT FROM ($2::text, $3::text, $4::text::jsonb, $5::boolean, $6::timestamptz, $7::timestamptz)
                RETURNING id)
            SELECT id, true AS changed FROM upd
            UNION ALL
            SELECT id, false FROM platform_orders WHERE order_number = $1 AND NOT EXISTS (SELECT 1 FROM upd)""";

    private static final String INSERT_ORDER = """
            INSERT INTO platform_orders (order_number, platform_id, approval, status, excluded, platform_created_at,
                                         platform_updated_at)
            VALUES ($1, $2, $3, $4::text::jsonb, $5, $6, $7)
            ON CONFLICT (order_number) DO NOTHING RETURNING id""";

    private static final String UPDATE_PO = """
            WITH old AS (SELECT id, order_id FROM purchase_orders WHERE po_number = $1),
            upd AS (
                UPDATE purchase_orders p SET order_id = $2, platform_id = $3, supplier_name = $4, ship_date = $5,
                       in_hands_date = $6, operations_status = $7, synced_at = now()
                FROM old
                WHERE p.id = old.id
                  AND (p.order_id, p.platform_id, p.supplier_name, p.ship_date, p.in_hands_date, p.operations_status)
                      IS DISTINCT FROM ($2::bigint, $3::text, $4::text, $5::date, $6::date, $7::text)
                RETURNING old.order_id AS previous_order)
            SELECT EXISTS (SELECT 1 FROM old) AS existed, (SELECT previous_order FROM upd) AS previous_order,
                   EXISTS (SELECT 1 FROM upd) AS changed""";

    private static final String INSERT_PO = """
            INSERT INTO purchase_orders (po_number, order_id, platform_id, supplier_name, ship_date, in_hands_date,
                                         operations_status)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (po_number) DO NOTHING RETURNING id""";

    private static final String PO_COUNT = """
            UPDATE platform_orders o SET po_count = c.n, synced_at = now()
            FROM (SELECT count(*)::int AS n FROM purchase_orders WHERE order_id = $1) c
            WHERE o.id = $1 AND o.po_count <> c.n RETURNING o.id""";

    private final Pool pool;

    PlatformOrderStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores an order and its POs in one transaction, then its {@code po_count}; an order seen for the
     * first time also gets its {@code platform_order.created} event in that transaction. An excluded
     * order never seen before is not stored ({@link Written#SKIPPED}); a known one is marked excluded.
     */
    Uni<Written> store(Incoming in) {
        return pool.withTransaction(tx -> tx.preparedQuery(UPDATE_ORDER).execute(orderArgs(in)).chain(rows -> {
            if (rows.rowCount() == 1) {
                Row row = rows.iterator().next();
                long id = row.getLong("id");
                boolean changed = row.getBoolean("changed");
                return storePos(tx, id, in.pos()).map(posChanged -> changed || posChanged ? Written.CHANGED : Written.UNCHANGED);
            }
            if (in.excluded()) {
                return Uni.createFrom().item(Written.SKIPPED);
            }
            return tx.preparedQuery(INSERT_ORDER).execute(orderArgs(in)).chain(inserted -> {
                if (inserted.rowCount() == 0) {
                    throw new IllegalStateException("order " + in.order().orderNumber() + " was inserted meanwhile");
                }
                long id = inserted.iterator().next().getLong("id");
                return storePos(tx, id, in.pos())
                        .chain(() -> Outbox.append(tx, "platform_order.created", "platform_order:" + in.order().orderNumber(),
                                createdEvent(in)))
                        .replaceWith(Written.CREATED);
            });
        }));
    }

    private Uni<Boolean> storePos(SqlConnection tx, long orderId, List<Po> pos) {
        Set<Long> touchedOrders = new HashSet<>();
        touchedOrders.add(orderId);
        return Multi.createFrom().iterable(pos)
                .onItem().transformToUniAndConcatenate(po -> storePo(tx, orderId, po, touchedOrders))
                .collect().asList()
                .chain(changes -> Multi.createFrom().iterable(touchedOrders)
                        .onItem().transformToUniAndConcatenate(id -> tx.preparedQuery(PO_COUNT).execute(Tuple.of(id))
                                .map(rows -> rows.rowCount() > 0 && id == orderId))
                        .collect().asList()
                        .map(counted -> changes.contains(true) || counted.contains(true)));
    }

    private Uni<Boolean> storePo(SqlConnection tx, long orderId, Po po, Set<Long> touchedOrders) {
        PlatformShapes.PurchaseOrder p = po.po();
        Tuple args = Tuple.tuple().addString(po.number()).addLong(orderId).addString(p.id()).addString(p.supplierName())
                .addLocalDate(p.shipDate()).addLocalDate(p.inHandsDate()).addString(p.operationsStatus());
        return tx.preparedQuery(UPDATE_PO).execute(args).chain(rows -> {
            Row row = rows.iterator().next();
            if (row.getBoolean("existed")) {
                Long previous = row.getLong("previous_order");
                if (previous != null) {
                    // A PO moved to another order: the old order's po_count changes too.
                    touchedOrders.add(previous);
                }
                return Uni.createFrom().item(row.getBoolean("changed"));
            }
            return tx.preparedQuery(INSERT_PO).execute(args).map(inserted -> {
                if (inserted.rowCount() == 0) {
                    throw new IllegalStateException("PO " + po.number() + " was inserted meanwhile");
                }
                return true;
            });
        });
    }

    private static Tuple orderArgs(Incoming in) {
        PlatformShapes.Order o = in.order();
        return Tuple.tuple().addString(o.orderNumber()).addString(o.id()).addString(o.approval())
                .addString(o.status().encode()).addBoolean(in.excluded())
                .addOffsetDateTime(SqlTimes.timestamptz(o.createdAt())).addOffsetDateTime(SqlTimes.timestamptz(o.updatedAt()));
    }

    private static JsonObject createdEvent(Incoming in) {
        PlatformShapes.Order o = in.order();
        JsonArray pos = new JsonArray();
        in.pos().forEach(po -> pos.add(new JsonObject().put("poNumber", po.number())
                .put("supplierName", po.po().supplierName())));
        return new JsonObject().put("orderNumber", o.orderNumber()).put("platformId", o.id())
                .put("approval", o.approval())
                .put("createdAt", o.createdAt() == null ? null : o.createdAt().toString())
                .put("purchaseOrders", pos);
    }
}

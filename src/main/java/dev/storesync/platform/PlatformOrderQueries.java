package dev.storesync.platform;

import dev.storesync.kernel.ProblemException;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads for the platform orders API: orders with their POs, shipment counts, shipments and events. */
@ApplicationScoped
public class PlatformOrderQueries {

    static final Set<String> DERIVED_STATUSES = Set.of("no_shipments", "in_transit", "partially_delivered", "delivered",
            "exception");
    static final int MAX_LIMIT = 100;
    /** Newest tracking events shown per shipment in an order's detail, as {@code GET /platform/shipments/{id}} does. */
    static final int EVENTS_PER_SHIPMENT = 100;

    private static final String ORDER_COLUMNS = """
            o.id, o.order_number, o.platform_id, o.approval, o.excluded, o.platform_created_at, o.platform_updated_at,
            o.po_count, o.shipments_total, o.shipments_in_transit, o.shipments_delivered, o.shipments_exception,
            o.derived_status, o.synced_at""";

    /**
     * Newest platform change first. {@code search} matches the order number or a PO number (as typed
     * or normalised) by substring, or a supplier name by case-insensitive substring.
     */
    private static final String LIST = """
            SELECT %s FROM platform_orders o
            WHERE o.excluded = $1
              AND ($2::text IS NULL OR o.derived_status = $2)
              AND ($3::boolean IS NULL OR (o.shipments_total > 0) = $3)
              AND ($4::text IS NULL OR o.order_number ILIKE $4 ESCAPE '\\'
                   OR EXISTS (SELECT 1 FROM purchase_orders p WHERE p.order_id = o.id
                              AND (p.po_number ILIKE $4 ESCAPE '\\' OR p.po_number ILIKE $5 ESCAPE '\\'
                                   OR lower(p.supplier_name) LIKE lower($4) ESCAPE '\\')))
            ORDER BY o.platform_updated_at DESC NULLS LAST, o.id DESC
            LIMIT $6 OFFSET $7""".formatted(ORDER_COLUMNS);

    private static final String POS = """
            SELECT order_id, po_number, platform_id, supplier_name, ship_date, in_hands_date, operations_status
            FROM purchase_orders WHERE order_id = ANY($1) ORDER BY po_number""";

    private final Pool pool;

    PlatformOrderQueries(Pool pool) {
        this.pool = pool;
    }

    Uni<PlatformDtos.OrderPage> list(String status, Boolean hasShipments, String search, boolean excluded, Integer limit,
            Integer offset) {
        if (status != null && !DERIVED_STATUSES.contains(status)) {
            throw ProblemException.invalidField("status", "must be one of " + String.join(", ",
                    DERIVED_STATUSES.stream().sorted().toList()));
        }
        int size = limit == null ? 25 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT);
        }
        int from = offset == null ? 0 : offset;
        if (from < 0) {
            throw ProblemException.invalidField("offset", "must be 0 or more");
        }
        String term = search == null || search.isBlank() ? null : search.strip();
        String like = term == null ? null : "%" + escapeLike(term) + "%";
        String normalised = term == null ? null
                : PoNumbers.normalize(term).map(n -> "%" + escapeLike(n) + "%").orElse(like);
        Tuple args = Tuple.tuple().addBoolean(excluded).addString(status).addValue(hasShipments).addString(like)
                .addString(normalised).addInteger(size + 1).addInteger(from);
        return pool.preparedQuery(LIST).execute(args).chain(rows -> withPos(rows).map(orders -> {
            boolean more = orders.size() > size;
            List<PlatformDtos.OrderView> page = more ? List.copyOf(orders.subList(0, size)) : orders;
            return new PlatformDtos.OrderPage(page, size, from, more ? from + size : null);
        }));
    }

    /**
     * One order with its POs, the shipments linked to them and each shipment's newest
     * {@value #EVENTS_PER_SHIPMENT} events (newest first); null if unknown.
     */
    Uni<PlatformDtos.OrderDetail> get(String orderNumber) {
        return pool.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM platform_orders o WHERE o.order_number = $1")
                .execute(Tuple.of(orderNumber)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().nullItem();
                    }
                    long id = rows.iterator().next().getLong("id");
                    return withPos(rows).chain(orders -> shipments(id)
                            .map(shipments -> new PlatformDtos.OrderDetail(orders.get(0), shipments)));
                });
    }

    private Uni<List<PlatformDtos.ShipmentView>> shipments(long orderId) {
        return pool.preparedQuery("""
                SELECT s.id, p.po_number, s.tracking_number, s.courier_code, s.status_code, s.status_category,
                       s.status_milestone, s.estimated_delivery, s.last_event_at
                FROM tracked_shipments s JOIN purchase_orders p ON p.id = s.purchase_order_id
                WHERE p.order_id = $1 ORDER BY p.po_number, s.id""").execute(Tuple.of(orderId)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().item(List.<PlatformDtos.ShipmentView>of());
                    }
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getLong("id")));
                    return pool.preparedQuery("""
                            SELECT shipment_id, event_id, occurred_at, status, status_code, status_milestone, location,
                                   courier_code
                            FROM (SELECT e.*, row_number() OVER (PARTITION BY shipment_id
                                                                 ORDER BY occurred_at DESC NULLS LAST, id DESC) AS nth
                                  FROM tracking_events e WHERE shipment_id = ANY($1)) e
                            WHERE nth <= $2
                            ORDER BY occurred_at DESC NULLS LAST, id DESC""")
                            .execute(Tuple.of(ids.toArray(new Long[0]), EVENTS_PER_SHIPMENT)).map(events -> {
                                Map<Long, List<PlatformDtos.TrackingEventView>> byShipment = new LinkedHashMap<>();
                                events.forEach(e -> byShipment.computeIfAbsent(e.getLong("shipment_id"), k -> new ArrayList<>())
                                        .add(new PlatformDtos.TrackingEventView(e.getString("event_id"),
                                                SqlTimes.instant(e, "occurred_at"), e.getString("status"),
                                                e.getString("status_code"), e.getString("status_milestone"),
                                                e.getString("location"), e.getString("courier_code"))));
                                List<PlatformDtos.ShipmentView> out = new ArrayList<>();
                                rows.forEach(s -> out.add(new PlatformDtos.ShipmentView(s.getLong("id"),
                                        s.getString("po_number"), s.getString("tracking_number"), s.getString("courier_code"),
                                        s.getString("status_code"), s.getString("status_category"),
                                        s.getString("status_milestone"), SqlTimes.instant(s, "estimated_delivery"),
                                        SqlTimes.instant(s, "last_event_at"),
                                        List.copyOf(byShipment.getOrDefault(s.getLong("id"), List.of())))));
                                return out;
                            });
                });
    }

    /** The orders of {@code rows} in their order, each with its POs (one query for all). */
    private Uni<List<PlatformDtos.OrderView>> withPos(RowSet<Row> rows) {
        List<Row> orders = new ArrayList<>();
        rows.forEach(orders::add);
        if (orders.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Long[] ids = orders.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
        return pool.preparedQuery(POS).execute(Tuple.of(ids)).map(poRows -> {
            Map<Long, List<PlatformDtos.PurchaseOrderView>> pos = new LinkedHashMap<>();
            poRows.forEach(p -> pos.computeIfAbsent(p.getLong("order_id"), k -> new ArrayList<>())
                    .add(new PlatformDtos.PurchaseOrderView(p.getString("po_number"), p.getString("platform_id"),
                            p.getString("supplier_name"), p.getLocalDate("ship_date"), p.getLocalDate("in_hands_date"),
                            p.getString("operations_status"))));
            return orders.stream().map(o -> view(o, pos.getOrDefault(o.getLong("id"), List.of()))).toList();
        });
    }

    private static PlatformDtos.OrderView view(Row o, List<PlatformDtos.PurchaseOrderView> pos) {
        return new PlatformDtos.OrderView(o.getString("order_number"), o.getString("platform_id"), o.getString("approval"),
                o.getBoolean("excluded"), SqlTimes.instant(o, "platform_created_at"),
                SqlTimes.instant(o, "platform_updated_at"), o.getInteger("po_count"), List.copyOf(pos),
                new PlatformDtos.ShipmentCounts(o.getInteger("shipments_total"), o.getInteger("shipments_in_transit"),
                        o.getInteger("shipments_delivered"), o.getInteger("shipments_exception")),
                o.getString("derived_status"), SqlTimes.instant(o, "synced_at"));
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}

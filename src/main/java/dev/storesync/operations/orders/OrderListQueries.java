package dev.storesync.operations.orders;

import dev.storesync.kernel.ProblemException;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's order list and timelines, in plain SQL. Tabs and priority are ranges on the facts
 * that triggers keep on {@code orders} (see V10__order_operations.sql) against cut-offs computed
 * here from the settings, so each filter is an index condition and a page reads only its rows.
 */
@ApplicationScoped
public class OrderListQueries {

    private static final String ORDER_COLUMNS = """
            o.id, o.gid, o.shopify_id, o.name, o.shopify_created_at, o.customer_name, o.financial_status, sh.domain,
            o.assigned_to, o.return_state, o.support_thread_id::text AS support_thread, o.shopify_cursor,
            CASE WHEN o.cancelled_at IS NOT NULL THEN 'cancelled'
                 WHEN o.fulfillment_status IN ('partial', 'partially_fulfilled') THEN 'partially_fulfilled'
                 WHEN o.fulfillment_status IS NULL THEN 'unfulfilled'
                 ELSE o.fulfillment_status END AS display_fulfillment_status""";

    private static final String TIMELINE = """
            SELECT id, ts, event, details FROM order_events
            WHERE order_id = $1 AND ($2::timestamptz IS NULL OR (ts, id) < ($2, $3))
            ORDER BY ts DESC, id DESC LIMIT $4""";

    private final Pool pool;
    private final OrderOperationsConfig config;

    public OrderListQueries(Pool pool, OrderOperationsConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** The list, limited to {@code onlyShops} (an operator key's shops) when not null. */
    public Uni<OrderListDtos.Page> list(OrderListRequest q, Collection<String> onlyShops) {
        return shopId(q.shopDomain()).chain(shopId -> {
            long start = q.previous() ? Math.max(0, q.offset() - q.pageSize()) : q.offset();
            int limit = (int) (q.previous() ? Math.min(q.pageSize(), q.offset() - start) : q.pageSize());
            Sql where = where(q, shopId, onlyShops);
            String priority = priority(where);
            String sql = "SELECT " + ORDER_COLUMNS + ", " + priority + " AS priority FROM orders o JOIN shops sh ON sh.id = o.shop_id"
                    + " WHERE " + where.text + " ORDER BY o.shopify_created_at DESC NULLS LAST, o.id DESC"
                    + " LIMIT " + where.param(limit + 1) + " OFFSET " + where.param(start);
            return pool.preparedQuery(sql).execute(where.tuple()).chain(rows -> {
                List<Row> page = new ArrayList<>();
                rows.forEach(page::add);
                boolean more = page.size() > limit;
                List<Row> shown = more ? page.subList(0, limit) : page;
                String next = more ? OrderListRequest.cursor(start + shown.size()) : null;
                Uni<String> prev = start == 0 ? Uni.createFrom().nullItem()
                        : shown.isEmpty() ? lastPageEnd(q, shopId, onlyShops) : Uni.createFrom().item(OrderListRequest.cursor(start));
                // The Shopify cursor of the page's last order, when a reconciliation read has given one.
                String shopifyCursor = shown.isEmpty() ? null : shown.get(shown.size() - 1).getString("shopify_cursor");
                return Uni.combine().all().unis(items(shown), prev).asTuple()
                        .map(t -> new OrderListDtos.Page(t.getItem1(), q.pageSize(), next, t.getItem2(), shopifyCursor));
            });
        });
    }

    // A stale cursor past the end: prev leads back to the last page (with direction=prev), or nowhere.
    private Uni<String> lastPageEnd(OrderListRequest q, Long shopId, Collection<String> onlyShops) {
        Sql where = where(q, shopId, onlyShops);
        return pool.preparedQuery("SELECT count(*) AS n FROM orders o WHERE " + where.text).execute(where.tuple())
                .map(rows -> {
                    long total = rows.iterator().next().getLong("n");
                    return total == 0 ? null : OrderListRequest.cursor(total);
                });
    }

    /** An order's timeline page, newest first; the order is named by GID, Shopify id or name. */
    public Uni<OrderListDtos.Timeline> timeline(String orderRef, String shopDomain, String cursor, int pageSize,
            Collection<String> onlyShops) {
        TimelineCursor after = cursor == null ? null : TimelineCursor.parse(cursor);
        return shopId(shopDomain).chain(shopId -> resolve(orderRef, shopId, onlyShops)).chain(order -> pool.preparedQuery(TIMELINE)
                .execute(Tuple.tuple().addLong(order.getLong("id"))
                        .addValue(after == null ? null : SqlTimes.timestamptz(after.ts()))
                        .addLong(after == null ? 0L : after.id()).addInteger(pageSize + 1))
                .map(rows -> {
                    List<Row> found = new ArrayList<>();
                    rows.forEach(found::add);
                    List<Row> shown = found.size() > pageSize ? found.subList(0, pageSize) : found;
                    String next = null;
                    if (found.size() > pageSize) {
                        Row last = shown.get(shown.size() - 1);
                        next = new TimelineCursor(SqlTimes.instant(last, "ts"), last.getLong("id")).encode();
                    }
                    return new OrderListDtos.Timeline(order.getString("gid"), order.getString("name"),
                            shown.stream().map(OrderListQueries::entry).toList(), next);
                }));
    }

    private Uni<Long> shopId(String domain) {
        if (domain == null) {
            return Uni.createFrom().nullItem();
        }
        return pool.preparedQuery("SELECT id FROM shops WHERE domain = $1").execute(Tuple.of(domain)).map(rows -> {
            if (rows.rowCount() == 0) {
                throw ProblemException.notFound("No shop " + domain);
            }
            return rows.iterator().next().getLong("id");
        });
    }

    // A GID; a number (the Shopify id first, else the name #<number>); or a name with or without '#'.
    private Uni<Row> resolve(String ref, Long shopId, Collection<String> onlyShops) {
        String gid = ref.startsWith("gid://") ? ref : null;
        Long numeric = ref.matches("^[0-9]{1,18}$") ? Long.valueOf(ref) : null;
        String name = ref.startsWith("#") ? ref : "#" + ref;
        return pool.preparedQuery("""
                SELECT o.id, o.gid, o.name, o.shop_id,
                       CASE WHEN o.gid = $1 OR o.shopify_id = $2 THEN 0 ELSE 1 END AS rank
                FROM orders o
                WHERE ($4::bigint IS NULL OR o.shop_id = $4)
                  AND ($6::text[] IS NULL OR o.shop_id IN (SELECT id FROM shops WHERE domain = ANY ($6)))
                  AND (o.gid = $1 OR o.shopify_id = $2 OR ($1::text IS NULL AND (o.name = $3 OR o.name = $5)))
                ORDER BY rank LIMIT 3""")
                .execute(Tuple.tuple().addString(gid).addLong(numeric).addString(name).addLong(shopId).addString(ref)
                        .addArrayOfString(onlyShops == null ? null : onlyShops.toArray(String[]::new)))
                .map(rows -> {
                    List<Row> found = new ArrayList<>();
                    rows.forEach(found::add);
                    if (found.isEmpty()) {
                        throw ProblemException.notFound("No order " + ref + (shopId == null ? "" : " in this shop"));
                    }
                    int best = found.get(0).getInteger("rank");
                    if (found.size() > 1 && found.get(1).getInteger("rank") == best) {
                        throw ProblemException.conflict("Order " + ref + " matches orders of several shops; give shop_domain.");
                    }
                    return found.get(0);
                });
    }

    private Uni<List<OrderListDtos.Item>> items(List<Row> orders) {
        if (orders.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Long[] ids = orders.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
        Uni<Map<Long, Row>> shipments = pool.preparedQuery("""
                SELECT i.id, t.tracking_number, t.carrier, t.tracking_url, t.shipment_status,
                       c.total, c.pending, c.synced, c.failed, c.cancelled
                FROM unnest($1::bigint[]) AS i (id)
                LEFT JOIN LATERAL (
                    -- The latest active shipment (with its fulfillment's carrier state), or a newer
                    -- fulfillment made outside StoreSync.
                    SELECT x.tracking_number, x.carrier, x.tracking_url, x.shipment_status FROM (
                        SELECT s.tracking_number, COALESCE(s.carrier, s.tracking_company) AS carrier, s.tracking_url,
                               (SELECT f.shipment_status FROM order_fulfillments f WHERE f.shipment_id = s.id
                                ORDER BY f.shopify_updated_at DESC LIMIT 1) AS shipment_status, s.created_at AS at
                        FROM shipments s WHERE s.order_id = i.id AND s.status = 'shipped'
                        UNION ALL
                        SELECT f.tracking_number, f.tracking_company, f.tracking_url, f.shipment_status,
                               COALESCE(f.shopify_created_at, f.created_at)
                        FROM order_fulfillments f
                        WHERE f.order_id = i.id AND f.shipment_id IS NULL AND f.tracking_number IS NOT NULL
                          AND f.status IN ('success', 'open', 'pending')) x
                    ORDER BY x.at DESC LIMIT 1) t ON TRUE
                CROSS JOIN LATERAL (
                    SELECT count(*)::int AS total,
                           (count(*) FILTER (WHERE s.sync_status = 'pending'))::int AS pending,
                           (count(*) FILTER (WHERE s.sync_status = 'synced'))::int AS synced,
                           (count(*) FILTER (WHERE s.sync_status = 'failed'))::int AS failed,
                           (count(*) FILTER (WHERE s.sync_status = 'cancelled'))::int AS cancelled
                    FROM shipments s WHERE s.order_id = i.id) c""").execute(Tuple.of(ids)).map(rows -> {
                    Map<Long, Row> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getLong("id"), r));
                    return out;
                });
        Uni<Map<Long, List<OrderListDtos.TimelineEntry>>> timelines = pool.preparedQuery("""
                SELECT i.id AS order_id, e.id, e.ts, e.event, e.details
                FROM unnest($1::bigint[]) AS i (id)
                CROSS JOIN LATERAL (SELECT id, ts, event, details FROM order_events
                                    WHERE order_id = i.id ORDER BY ts DESC, id DESC LIMIT 10) e
                ORDER BY i.id, e.ts DESC, e.id DESC""").execute(Tuple.of(ids)).map(rows -> {
                    Map<Long, List<OrderListDtos.TimelineEntry>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getLong("order_id"), k -> new ArrayList<>()).add(entry(r)));
                    return out;
                });
        Uni<Map<Long, List<OrderListDtos.OpenAlert>>> alerts = pool.preparedQuery("""
                SELECT id, order_id, kind, raised_at FROM order_alerts
                WHERE order_id = ANY ($1) AND cleared_at IS NULL ORDER BY raised_at, id""").execute(Tuple.of(ids)).map(rows -> {
                    Map<Long, List<OrderListDtos.OpenAlert>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getLong("order_id"), k -> new ArrayList<>())
                            .add(new OrderListDtos.OpenAlert(r.getLong("id"), r.getString("kind"), SqlTimes.instant(r, "raised_at"))));
                    return out;
                });
        return Uni.combine().all().unis(shipments, timelines, alerts).asTuple().map(t -> {
            List<OrderListDtos.Item> out = new ArrayList<>();
            for (Row o : orders) {
                Row s = t.getItem1().get(o.getLong("id"));
                String number = s.getString("tracking_number");
                String customer = o.getString("customer_name");
                out.add(new OrderListDtos.Item(o.getString("gid"), String.valueOf(o.getLong("shopify_id")),
                        o.getString("name"), o.getString("domain"), SqlTimes.instant(o, "shopify_created_at"),
                        customer == null ? null : new OrderListDtos.Customer(customer), o.getString("financial_status"),
                        o.getString("display_fulfillment_status"), o.getString("priority"), o.getString("assigned_to"),
                        o.getString("return_state"), o.getString("support_thread"),
                        number == null ? null : new OrderListDtos.Tracking(number, s.getString("carrier"), s.getString("tracking_url"),
                                s.getString("shipment_status")),
                        new OrderListDtos.ShipmentSummary(s.getInteger("total"), s.getInteger("pending"),
                                s.getInteger("synced"), s.getInteger("failed"), s.getInteger("cancelled")),
                        t.getItem2().getOrDefault(o.getLong("id"), List.of()),
                        t.getItem3().getOrDefault(o.getLong("id"), List.of())));
            }
            return out;
        });
    }

    private static OrderListDtos.TimelineEntry entry(Row r) {
        Object details = r.getValue("details");
        Map<String, Object> map = details instanceof JsonObject json ? json.getMap() : Map.of();
        return new OrderListDtos.TimelineEntry(SqlTimes.instant(r, "ts"), r.getString("event"), map);
    }

    /** The WHERE clause of a list query and its parameters. */
    private Sql where(OrderListRequest q, Long shopId, Collection<String> onlyShops) {
        Sql sql = new Sql();
        Instant now = Instant.now();
        sql.now = now;
        List<String> conditions = new ArrayList<>();
        if (shopId != null) {
            conditions.add("o.shop_id = " + sql.param(shopId));
        }
        if (onlyShops != null) {
            conditions.add("o.shop_id IN (SELECT id FROM shops WHERE domain = ANY (" + sql.param(onlyShops.toArray(String[]::new)) + "))");
        }
        switch (q.tab()) {
            case ALL -> {
            }
            case UNFULFILLED -> conditions.add("o.cancelled_at IS NULL AND (o.fulfillment_status IS NULL OR "
                    + "o.fulfillment_status IN ('unfulfilled', 'partial', 'partially_fulfilled', 'on_hold', 'scheduled', 'in_progress', 'open'))");
            case TRACKING_PENDING -> conditions.add(sql.trackingPending());
            case DELAYED -> conditions.add(sql.delayed());
            // Each is a partial index of V13__order_actions.sql; a finished return leaves the returns tab.
            case RETURNS -> conditions.add("o.return_state IN ('awaiting_label', 'label_generated', 'in_transit', 'inspection', 'awaiting_refund')");
            case SUPPORT -> conditions.add("o.support_thread_id IS NOT NULL");
            case ASSIGNED -> conditions.add("o.assigned_to IS NOT NULL");
        }
        if (q.status() != null) {
            conditions.add(switch (q.status()) {
                case "cancelled" -> "o.cancelled_at IS NOT NULL";
                case "unfulfilled" -> "o.cancelled_at IS NULL AND (o.fulfillment_status IS NULL OR o.fulfillment_status = 'unfulfilled')";
                case "partially_fulfilled" -> "o.cancelled_at IS NULL AND o.fulfillment_status IN ('partial', 'partially_fulfilled')";
                default -> "o.cancelled_at IS NULL AND o.fulfillment_status = " + sql.param(q.status());
            });
        }
        if (q.priority() != null) {
            conditions.add(switch (q.priority()) {
                case "urgent" -> sql.urgent();
                case "high" -> sql.notUrgent() + " AND (" + sql.trackingPending() + " OR " + sql.delayed() + " OR "
                        + sql.awaitingRefund() + ")";
                default -> sql.notUrgent() + " AND " + sql.notHigh();
            });
        }
        if (q.assignedTo() != null) {
            conditions.add("o.assigned_to = " + sql.param(q.assignedTo()));
        }
        if (q.createdFrom() != null) {
            conditions.add("o.shopify_created_at >= " + sql.param(SqlTimes.timestamptz(q.createdFrom())));
        }
        if (q.createdBefore() != null) {
            conditions.add("o.shopify_created_at < " + sql.param(SqlTimes.timestamptz(q.createdBefore())));
        }
        sql.text = conditions.isEmpty() ? "TRUE" : "(" + String.join(") AND (", conditions) + ")";
        return sql;
    }

    private String priority(Sql sql) {
        return "CASE WHEN " + sql.urgent() + " THEN 'urgent' WHEN " + sql.trackingPending() + " OR " + sql.delayed()
                + " OR " + sql.awaitingRefund() + " THEN 'high' ELSE 'normal' END";
    }

    /**
     * A statement's numbered parameters, and the priority rule as conditions on the maintained
     * facts: urgent = sync failed, or a synced shipment without update for urgent-delayed-after;
     * high = tracking pending or delayed; normal = neither. Each negation is written out with its
     * NULL case so that it stays a plain range condition.
     */
    private final class Sql {
        private final List<Object> params = new ArrayList<>();
        private String text;
        private Instant now;
        private String trackingCutoff;
        private String delayedCutoff;
        private String urgentCutoff;

        // Each cut-off becomes a parameter only where used: PostgreSQL refuses a statement with an
        // unreferenced parameter, as it cannot type it.
        private String trackingCutoff() {
            if (trackingCutoff == null) {
                trackingCutoff = param(SqlTimes.timestamptz(now.minus(config.trackingPendingAfter())));
            }
            return trackingCutoff;
        }

        private String delayedCutoff() {
            if (delayedCutoff == null) {
                delayedCutoff = param(SqlTimes.timestamptz(now.minus(config.delayedAfter())));
            }
            return delayedCutoff;
        }

        private String urgentCutoff() {
            if (urgentCutoff == null) {
                urgentCutoff = param(SqlTimes.timestamptz(now.minus(config.urgentDelayedAfter())));
            }
            return urgentCutoff;
        }

        String param(Object value) {
            params.add(value);
            return "$" + params.size();
        }

        Tuple tuple() {
            Tuple t = Tuple.tuple();
            params.forEach(t::addValue);
            return t;
        }

        String trackingPending() {
            return "(o.needs_tracking AND o.shopify_created_at < " + trackingCutoff() + ")";
        }

        String delayed() {
            return "(o.transit_since < " + delayedCutoff() + ")";
        }

        String urgent() {
            return "(o.sync_failed OR o.transit_since < " + urgentCutoff() + ")";
        }

        String notUrgent() {
            return "(NOT o.sync_failed AND (o.transit_since IS NULL OR o.transit_since >= " + urgentCutoff() + "))";
        }

        String awaitingRefund() {
            return "(o.return_state = 'awaiting_refund')";
        }

        String notHigh() {
            return "((NOT o.needs_tracking OR o.shopify_created_at IS NULL OR o.shopify_created_at >= " + trackingCutoff()
                    + ") AND (o.transit_since IS NULL OR o.transit_since >= " + delayedCutoff() + ")"
                    + " AND o.return_state IS DISTINCT FROM 'awaiting_refund')";
        }
    }
}

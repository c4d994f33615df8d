package dev.storesync.carriers;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * All SQL on {@code tracked_shipments}, {@code tracking_events} and {@code tracked_shipment_links}.
 * Which PO a shipment belongs to, and its order's stats, follow from these rows through the
 * triggers of {@code V19__carrier_tracking.sql}.
 */
@ApplicationScoped
public class TrackedShipmentRepository {

    // A manual link keeps its PO whatever reference the carrier sends later.
    private static final String UPSERT = """
            INSERT INTO tracked_shipments (tracking_number, courier_code, tracker_id, raw_reference, po_number)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tracking_number, courier_code) DO UPDATE SET
                tracker_id = coalesce(EXCLUDED.tracker_id, tracked_shipments.tracker_id),
                raw_reference = coalesce(EXCLUDED.raw_reference, tracked_shipments.raw_reference),
                po_number = CASE WHEN tracked_shipments.link_source = 'manual' OR EXCLUDED.raw_reference IS NULL
                                 THEN tracked_shipments.po_number ELSE EXCLUDED.po_number END,
                updated_at = now()
            RETURNING id
            """;

    private static final String INSERT_EVENTS = """
            INSERT INTO tracking_events (shipment_id, event_id, occurred_at, status, status_code, status_category,
                                         status_milestone, location, courier_code)
            SELECT $1, e.event_id, e.occurred_at, e.status, e.status_code, e.status_category, e.status_milestone,
                   e.location, e.courier_code
            FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                 AS e (event_id, occurred_at, status, status_code, status_category, status_milestone, location, courier_code)
            ON CONFLICT (event_id) DO NOTHING
            """;

    // The newest event by occurrence time decides the status, whatever order events arrived in; a
    // shipment without events yet takes the status Ship24 reports for it. The estimated delivery is
    // taken from an update unless it only carries events older than the shipment's last one.
    private static final String APPLY_NEWEST = """
            WITH newest AS (
                SELECT true AS found, occurred_at, status_code, status_category, status_milestone
                FROM tracking_events WHERE shipment_id = $1
                ORDER BY occurred_at DESC NULLS LAST, id DESC
                LIMIT 1),
            n AS (SELECT * FROM (SELECT 1) AS one LEFT JOIN newest ON true)
            UPDATE tracked_shipments t SET
                status_code = CASE WHEN n.found THEN n.status_code ELSE coalesce($2, t.status_code) END,
                status_category = CASE WHEN n.found THEN n.status_category ELSE coalesce($3, t.status_category) END,
                status_milestone = CASE WHEN n.found THEN coalesce(n.status_milestone, $4, t.status_milestone)
                                        ELSE coalesce($4, t.status_milestone) END,
                estimated_delivery = CASE WHEN $5::timestamptz IS NOT NULL AND ($6::timestamptz IS NULL
                                              OR t.last_event_at IS NULL OR $6::timestamptz >= t.last_event_at)
                                          THEN $5::timestamptz ELSE t.estimated_delivery END,
                last_event_at = n.occurred_at
            FROM n
            WHERE t.id = $1
            RETURNING t.status_milestone, t.status_code, t.last_event_at
            """;

    private static final String VIEW_COLUMNS = """
            t.id, t.tracking_number, t.courier_code, t.tracker_id, t.raw_reference, t.po_number, t.link_source,
            t.purchase_order_id, t.status_code, t.status_category, t.status_milestone, t.estimated_delivery,
            t.last_event_at, t.created_at, t.updated_at,
            po.po_number AS linked_po_number, o.order_number, o.shipments_total, o.shipments_in_transit,
            o.shipments_delivered, o.shipments_exception, o.derived_status,
            le.occurred_at AS le_occurred_at, le.status AS le_status, le.status_code AS le_status_code,
            le.status_milestone AS le_status_milestone, le.location AS le_location
            """;

    private static final String VIEW_FROM = """
            FROM tracked_shipments t
            LEFT JOIN purchase_orders po ON po.id = t.purchase_order_id
            LEFT JOIN platform_orders o ON o.id = po.order_id
            LEFT JOIN LATERAL (SELECT occurred_at, status, status_code, status_milestone, location FROM tracking_events
                               WHERE shipment_id = t.id ORDER BY occurred_at DESC NULLS LAST, id DESC LIMIT 1) le ON true
            """;

    private static final String ORPHANS = "SELECT " + VIEW_COLUMNS + VIEW_FROM + """
            WHERE t.purchase_order_id IS NULL
            ORDER BY t.created_at, t.id
            LIMIT $1 OFFSET $2
            """;

    private static final String FIND = "SELECT " + VIEW_COLUMNS + VIEW_FROM + " WHERE t.id = $1";

    private static final String BY_TRACKING_NUMBER = "SELECT " + VIEW_COLUMNS + VIEW_FROM
            + " WHERE t.tracking_number = $1 ORDER BY t.courier_code, t.id";

    private static final String EVENTS = """
            SELECT event_id, occurred_at, status, status_code, status_category, status_milestone, location, courier_code,
                   received_at
            FROM tracking_events WHERE shipment_id = $1
            ORDER BY occurred_at DESC NULLS LAST, id DESC
            LIMIT $2
            """;

    private static final String LOCK_FOR_LINK = """
            SELECT t.id, t.link_source, t.purchase_order_id, po.po_number AS current_po
            FROM tracked_shipments t LEFT JOIN purchase_orders po ON po.id = t.purchase_order_id
            WHERE t.id = $1
            FOR UPDATE OF t
            """;

    private static final String LINK = """
            UPDATE tracked_shipments SET po_number = $2, purchase_order_id = $3, link_source = 'manual', updated_at = now()
            WHERE id = $1
            """;

    private static final String AUDIT = """
            INSERT INTO tracked_shipment_links (shipment_id, from_po, to_po, actor, actor_name)
            VALUES ($1, $2, $3, $4, (SELECT name FROM api_keys WHERE id = $5))
            RETURNING id
            """;

    private static final String LINKS = """
            SELECT id, from_po, to_po, actor, actor_name, linked_at FROM tracked_shipment_links
            WHERE shipment_id = $1 ORDER BY id DESC LIMIT $2
            """;

    private final Pool pool;

    public TrackedShipmentRepository(Pool pool) {
        this.pool = pool;
    }

    /** The carrier status a shipment has after an update. */
    public record AppliedStatus(String statusMilestone, String statusCode, Instant lastEventAt) {
    }

    /** What a manual link needs to know of the shipment, locked until the transaction ends. */
    public record LinkSubject(long id, String linkSource, Long purchaseOrderId, String currentPo) {
    }

    /** The tracked shipment of {@code update}, created or refreshed; returns its id. */
    public Uni<Long> upsert(SqlClient c, Ship24Payload.Update update, String poNumber) {
        return c.preparedQuery(UPSERT)
                .execute(Tuple.of(update.trackingNumber(), update.courierCode(), update.trackerId(), update.reference(),
                        poNumber))
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    /** Stores the events not stored yet (by event id); returns how many were new. */
    public Uni<Integer> insertEvents(SqlClient c, long shipmentId, List<Ship24Payload.Event> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = events.size();
        String[] ids = new String[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        String[] status = new String[n];
        String[] code = new String[n];
        String[] category = new String[n];
        String[] milestone = new String[n];
        String[] location = new String[n];
        String[] courier = new String[n];
        for (int i = 0; i < n; i++) {
            Ship24Payload.Event e = events.get(i);
            ids[i] = e.eventId();
            at[i] = SqlTimes.timestamptz(e.occurredAt());
            status[i] = e.status();
            code[i] = e.statusCode();
            category[i] = e.statusCategory();
            milestone[i] = e.statusMilestone();
            location[i] = e.location();
            courier[i] = e.courierCode();
        }
        Tuple args = Tuple.tuple().addLong(shipmentId).addArrayOfString(ids).addArrayOfOffsetDateTime(at)
                .addArrayOfString(status).addArrayOfString(code).addArrayOfString(category).addArrayOfString(milestone)
                .addArrayOfString(location).addArrayOfString(courier);
        return c.preparedQuery(INSERT_EVENTS).execute(args).map(RowSet::rowCount);
    }

    /** Sets the shipment's status from its newest event (or the update's shipment status without events). */
    public Uni<AppliedStatus> applyNewest(SqlClient c, long shipmentId, Ship24Payload.Update update) {
        Tuple args = Tuple.tuple().addLong(shipmentId).addValue(update.statusCode()).addValue(update.statusCategory())
                .addValue(update.statusMilestone()).addValue(SqlTimes.timestamptz(update.estimatedDelivery()))
                .addValue(SqlTimes.timestamptz(update.newestEventAt()));
        return c.preparedQuery(APPLY_NEWEST).execute(args).map(rows -> {
            Row r = rows.iterator().next();
            return new AppliedStatus(r.getString("status_milestone"), r.getString("status_code"),
                    SqlTimes.instant(r, "last_event_at"));
        });
    }

    public Uni<List<CarrierDtos.Shipment>> orphans(int limit, int offset) {
        return pool.preparedQuery(ORPHANS).execute(Tuple.of(limit, offset)).map(rows -> map(rows, TrackedShipmentRepository::view));
    }

    public Uni<Long> countOrphans() {
        return pool.query("SELECT count(*) AS n FROM tracked_shipments WHERE purchase_order_id IS NULL").execute()
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    public Uni<Optional<CarrierDtos.Shipment>> find(SqlClient c, long id) {
        return c.preparedQuery(FIND).execute(Tuple.of(id))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(view(rows.iterator().next())));
    }

    public Uni<List<CarrierDtos.Shipment>> byTrackingNumber(String trackingNumber) {
        return pool.preparedQuery(BY_TRACKING_NUMBER).execute(Tuple.of(trackingNumber))
                .map(rows -> map(rows, TrackedShipmentRepository::view));
    }

    public Uni<List<CarrierDtos.Event>> events(long shipmentId, int limit) {
        return pool.preparedQuery(EVENTS).execute(Tuple.of(shipmentId, limit)).map(rows -> map(rows, r -> new CarrierDtos.Event(
                r.getString("event_id"), SqlTimes.instant(r, "occurred_at"), r.getString("status"), r.getString("status_code"),
                r.getString("status_category"), r.getString("status_milestone"), r.getString("location"),
                r.getString("courier_code"), SqlTimes.instant(r, "received_at"))));
    }

    public Uni<Optional<LinkSubject>> lockForLink(SqlClient c, long id) {
        return c.preparedQuery(LOCK_FOR_LINK).execute(Tuple.of(id)).map(rows -> {
            if (rows.rowCount() == 0) {
                return Optional.empty();
            }
            Row r = rows.iterator().next();
            return Optional.of(new LinkSubject(r.getLong("id"), r.getString("link_source"), r.getLong("purchase_order_id"),
                    r.getString("current_po")));
        });
    }

    /** The id of the PO with this (normalised) number. */
    public Uni<Optional<Long>> purchaseOrderId(SqlClient c, String poNumber) {
        return c.preparedQuery("SELECT id FROM purchase_orders WHERE po_number = $1").execute(Tuple.of(poNumber))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id")));
    }

    /** Links the shipment to the PO by hand; the triggers recompute the old and the new order. */
    public Uni<Void> link(SqlClient c, long shipmentId, String poNumber, long purchaseOrderId) {
        return c.preparedQuery(LINK).execute(Tuple.of(shipmentId, poNumber, purchaseOrderId)).replaceWithVoid();
    }

    public Uni<Void> audit(SqlClient c, long shipmentId, String fromPo, String toPo, String actor, Long apiKeyId) {
        return c.preparedQuery(AUDIT).execute(Tuple.tuple().addLong(shipmentId).addValue(fromPo).addString(toPo)
                .addString(actor).addValue(apiKeyId)).replaceWithVoid();
    }

    public Uni<List<CarrierDtos.Link>> links(long shipmentId, int limit) {
        return pool.preparedQuery(LINKS).execute(Tuple.of(shipmentId, limit)).map(rows -> map(rows, r -> new CarrierDtos.Link(
                r.getLong("id"), r.getString("from_po"), r.getString("to_po"), r.getString("actor"),
                r.getString("actor_name"), SqlTimes.instant(r, "linked_at"))));
    }

    private static CarrierDtos.Shipment view(Row r) {
        CarrierDtos.LastEvent last = r.getValue("le_occurred_at") == null && r.getValue("le_status") == null
                && r.getValue("le_status_milestone") == null ? null
                : new CarrierDtos.LastEvent(SqlTimes.instant(r, "le_occurred_at"), r.getString("le_status"),
                        r.getString("le_status_code"), r.getString("le_status_milestone"), r.getString("le_location"));
        CarrierDtos.OrderStats order = r.getString("order_number") == null ? null
                : new CarrierDtos.OrderStats(r.getString("order_number"), r.getInteger("shipments_total"),
                        r.getInteger("shipments_in_transit"), r.getInteger("shipments_delivered"),
                        r.getInteger("shipments_exception"), r.getString("derived_status"));
        return new CarrierDtos.Shipment(r.getLong("id"), r.getString("tracking_number"), r.getString("courier_code"),
                r.getString("tracker_id"), r.getString("raw_reference"), r.getString("po_number"),
                r.getLong("purchase_order_id") == null ? null : r.getString("linked_po_number"), r.getString("link_source"),
                r.getString("status_milestone"), r.getString("status_code"), r.getString("status_category"),
                SqlTimes.instant(r, "estimated_delivery"), SqlTimes.instant(r, "last_event_at"), last, order,
                SqlTimes.instant(r, "created_at"), SqlTimes.instant(r, "updated_at"));
    }

    private static <T> List<T> map(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> out = new ArrayList<>(rows.rowCount());
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }
}

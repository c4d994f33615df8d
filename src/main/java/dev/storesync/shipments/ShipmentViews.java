package dev.storesync.shipments;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads shipments as users see them: with order, lines, a bilingual status label and history. */
final class ShipmentViews {

    private static final DateTimeFormatter JST = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Tokyo"));
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneId.of("UTC"));

    static final String SELECT = """
            SELECT s.*, o.name AS order_name, sh.domain AS shop_domain
            FROM shipments s JOIN orders o ON o.id = s.order_id JOIN shops sh ON sh.id = o.shop_id
            """;

    private ShipmentViews() {
    }

    /** Shipments matching {@code where} (written against alias {@code s}), in the order of {@code orderBy}. */
    static Uni<List<ShipmentDtos.View>> load(SqlClient sql, String where, String orderBy, Tuple params,
            boolean withHistory) {
        return sql.preparedQuery(SELECT + "WHERE " + where + " " + orderBy).execute(params).chain(rows -> {
            Map<Long, Row> byId = new LinkedHashMap<>();
            rows.forEach(r -> byId.put(r.getLong("id"), r));
            if (byId.isEmpty()) {
                return Uni.createFrom().item(List.<ShipmentDtos.View>of());
            }
            Long[] ids = byId.keySet().toArray(Long[]::new);
            Uni<RowSet<Row>> lines = sql.preparedQuery("""
                    SELECT sl.shipment_id, li.id, li.shopify_id, li.sku, li.title, sl.quantity
                    FROM shipment_line_items sl JOIN order_line_items li ON li.id = sl.line_item_id
                    WHERE sl.shipment_id = ANY($1) ORDER BY li.id""").execute(Tuple.of(ids));
            Uni<RowSet<Row>> history = withHistory
                    ? sql.preparedQuery("""
                            SELECT * FROM shipment_sync_attempts WHERE shipment_id = ANY($1) ORDER BY attempted_at, id""")
                            .execute(Tuple.of(ids))
                    : Uni.createFrom().nullItem();
            return Uni.combine().all().unis(lines, history).asTuple().map(both -> {
                Map<Long, List<ShipmentDtos.LineView>> lineViews = new HashMap<>();
                both.getItem1().forEach(r -> lineViews.computeIfAbsent(r.getLong("shipment_id"), k -> new ArrayList<>())
                        .add(new ShipmentDtos.LineView(r.getLong("id"), r.getLong("shopify_id"), r.getString("sku"),
                                r.getString("title"), r.getInteger("quantity"))));
                Map<Long, List<ShipmentDtos.AttemptView>> attempts = new HashMap<>();
                if (both.getItem2() != null) {
                    both.getItem2().forEach(r -> attempts.computeIfAbsent(r.getLong("shipment_id"), k -> new ArrayList<>())
                            .add(new ShipmentDtos.AttemptView(SqlTimes.instant(r, "attempted_at"), r.getString("outcome"),
                                    r.getString("error_code"), r.getString("message"), r.getString("message_ja"),
                                    SqlTimes.instant(r, "next_attempt_at"))));
                }
                List<ShipmentDtos.View> out = new ArrayList<>();
                byId.forEach((id, r) -> out.add(view(r, lineViews.getOrDefault(id, List.of()),
                        withHistory ? attempts.getOrDefault(id, List.of()) : null)));
                return out;
            });
        });
    }

    private static ShipmentDtos.View view(Row r, List<ShipmentDtos.LineView> lines, List<ShipmentDtos.AttemptView> history) {
        String status = r.getString("status");
        String sync = r.getString("sync_status");
        Instant next = "pending".equals(sync) ? SqlTimes.instant(r, "sync_pending_until") : null;
        ShipmentDtos.ErrorView error = r.getString("last_error_code") == null ? null
                : new ShipmentDtos.ErrorView(r.getString("last_error_code"), r.getString("last_error_message"),
                        r.getString("last_error_message_ja"));
        return new ShipmentDtos.View(r.getLong("id"), r.getLong("order_id"), r.getString("order_name"),
                r.getString("shop_domain"), r.getLong("vendor_id"), r.getString("tracking_number"), r.getString("carrier"),
                r.getString("tracking_company"), r.getString("tracking_url"), r.getBoolean("notify_customer"), status, sync,
                label(status, sync, r.getInteger("sync_retry_count"), next, r.getString("last_error_code"),
                        r.getString("last_error_message"),
                        r.getString("last_error_message_ja")),
                r.getInteger("sync_retry_count"), SqlTimes.instant(r, "last_retry_at"), next, SqlTimes.instant(r, "synced_at"),
                Arrays.asList(r.getArrayOfStrings("shopify_fulfillment_ids")),
                Arrays.asList(r.getArrayOfStrings("shopify_fulfillment_order_ids")), error, lines,
                SqlTimes.instant(r, "created_at"), SqlTimes.instant(r, "cancelled_at"), history,
                r.getString("carrier_status") == null && r.getValue("carrier_last_event_at") == null ? null
                        : new ShipmentDtos.CarrierView(r.getString("carrier_status"), r.getString("carrier_status_code"),
                                SqlTimes.instant(r, "carrier_last_event_at")));
    }

    static ShipmentDtos.Label label(String status, String sync, int retries, Instant next, String errorCode, String error,
            String errorJa) {
        if ("cancelled".equals(status)) {
            return !ShipmentRepository.LIVE_AFTER_CANCEL.equals(errorCode)
                    ? new ShipmentDtos.Label("cancelled (back to unshipped)", "未発送に戻しました")
                    : new ShipmentDtos.Label("cancelled (back to unshipped), action needed: " + error,
                            "未発送に戻しました (対応が必要): " + nonNull(errorJa));
        }
        return switch (sync) {
            case "synced" -> new ShipmentDtos.Label("shipped (synced to Shopify)", "発送済み (Shopify同期済み)");
            case "failed" -> new ShipmentDtos.Label("shipped (sync failed, action needed): " + nonNull(error),
                    "発送済み (同期失敗・対応が必要): " + nonNull(errorJa));
            case "cancelled" -> new ShipmentDtos.Label("shipped (sync stopped: " + nonNull(error) + ")",
                    "発送済み (同期停止: " + nonNull(errorJa) + ")");
            default -> retries == 0 || next == null
                    ? new ShipmentDtos.Label("shipped (unsynced)", "発送済み (未同期)")
                    : new ShipmentDtos.Label("shipped (unsynced): " + nonNull(error) + " Retrying automatically at "
                            + UTC.format(next) + ".",
                            "発送済み (未同期): " + nonNull(errorJa) + " " + JST.format(next) + "（日本時間）に自動で再試行します。");
        };
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}

package dev.storesync.orders;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Explains, per order line, why it has or has no fulfillable fulfillment order: the seed's
 * "FO generated vs FO missing" comparison in one call, read live from Shopify.
 */
@ApplicationScoped
public class FulfillmentOrderDiagnostics {

    private final Pool pool;
    private final ShopifyAdminClient shopify;

    public FulfillmentOrderDiagnostics(Pool pool, ShopifyAdminClient shopify) {
        this.pool = pool;
        this.shopify = shopify;
    }

    public record FoView(String id, String status, String location, String locationId, String locationKind,
            List<String> holds, String fulfillAt, List<String> supportedActions, int totalQuantity,
            int remainingQuantity) {
    }

    public record LineDiagnosis(String lineItemId, String sku, int quantity, boolean requiresShipping, String vendor,
            String verdict, String en, String ja, List<FoView> fulfillmentOrders) {
    }

    public record Report(long orderId, String orderName, String shop, boolean fulfillmentOrdersGenerated,
            int fulfillmentOrderCount, boolean allShippableLinesFulfillable, String en, String ja,
            List<LineDiagnosis> lines) {
    }

    public Uni<Report> explain(long orderId) {
        return pool.preparedQuery("SELECT o.gid, o.name, sh.domain FROM orders o JOIN shops sh ON sh.id = o.shop_id WHERE o.id = $1")
                .execute(Tuple.of(orderId)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("No order with id " + orderId);
                    }
                    var row = rows.iterator().next();
                    String shop = row.getString("domain");
                    return shopify.query(shop, "OrderFulfillmentOrders", Map.of("id", row.getString("gid"))).map(result -> {
                        if (!(result instanceof ShopifyResult.Success success)) {
                            throw new ProblemException(Problem.of(502, "shopify-unavailable", "Shopify did not answer",
                                    result.message().en() + " / " + result.message().ja()));
                        }
                        JsonObject order = success.data().getJsonObject("order");
                        if (order == null) {
                            throw ProblemException.notFound("Shopify has no order " + row.getString("gid"));
                        }
                        return report(orderId, row.getString("name"), shop, order);
                    });
                });
    }

    static Report report(long orderId, String name, String shop, JsonObject order) {
        JsonArray fos = order.getJsonObject("fulfillmentOrders", new JsonObject()).getJsonArray("nodes", new JsonArray());
        List<LineDiagnosis> lines = new ArrayList<>();
        boolean allFulfillable = true;
        for (Object o : order.getJsonObject("lineItems", new JsonObject()).getJsonArray("nodes", new JsonArray())) {
            JsonObject line = (JsonObject) o;
            List<FoView> views = new ArrayList<>();
            boolean fulfillable = false;
            String blocking = null;
            for (int i = 0; i < fos.size(); i++) {
                JsonObject fo = fos.getJsonObject(i);
                for (Object n : fo.getJsonObject("lineItems", new JsonObject()).getJsonArray("nodes", new JsonArray())) {
                    JsonObject foLine = (JsonObject) n;
                    if (!line.getString("id").equals(foLine.getJsonObject("lineItem", new JsonObject()).getString("id"))) {
                        continue;
                    }
                    FoView view = view(fo, foLine);
                    views.add(view);
                    if (view.supportedActions().contains("CREATE_FULFILLMENT") && view.remainingQuantity() > 0) {
                        fulfillable = true;
                    } else if (view.remainingQuantity() > 0 && blocking == null) {
                        blocking = view.status();
                    }
                }
            }
            boolean ships = line.getBoolean("requiresShipping", true);
            String verdict;
            String en;
            String ja;
            if (!ships) {
                verdict = "no_shipping_needed";
                en = "Does not require shipping; no tracking is needed.";
                ja = "配送不要の商品です。追跡番号は不要です。";
            } else if (fulfillable) {
                verdict = "fulfillable";
                en = "Has an open fulfillment order StoreSync can fulfil.";
                ja = "StoreSyncが発送処理できるフルフィルメントオーダーがあります。";
            } else if (views.isEmpty()) {
                verdict = "fo_missing";
                en = "No fulfillment order yet: Shopify's order routing has not assigned this line (or a scope hides it).";
                ja = "フルフィルメントオーダーがまだありません（注文ルーティング未完了、または権限不足で見えません）。";
            } else if ("ON_HOLD".equals(blocking)) {
                verdict = "on_hold";
                en = "Its fulfillment order is on hold; StoreSync syncs when Shopify releases the hold.";
                ja = "フルフィルメントオーダーが保留中です。保留解除後に自動で同期します。";
            } else if ("SCHEDULED".equals(blocking)) {
                verdict = "scheduled";
                en = "Its fulfillment order is scheduled for later; StoreSync syncs when it opens.";
                ja = "フルフィルメントオーダーは予約済みです。開始時に自動で同期します。";
            } else if (blocking != null) {
                verdict = "not_fulfillable_here";
                en = "Its fulfillment order is assigned to a location StoreSync cannot fulfil (e.g. a fulfillment service).";
                ja = "フルフィルメントオーダーがStoreSyncで発送処理できないロケーション（フルフィルメントサービス等）に割り当てられています。";
            } else {
                verdict = "fully_fulfilled";
                en = "Nothing left to fulfil in Shopify (fulfilled, closed or cancelled).";
                ja = "Shopify上で未発送数が残っていません（発送済み・クローズ・キャンセル）。";
            }
            if (ships && !fulfillable) {
                allFulfillable = false;
            }
            lines.add(new LineDiagnosis(line.getString("id"), line.getString("sku"), line.getInteger("quantity", 0), ships,
                    line.getString("vendor"), verdict, en, ja, views));
        }
        boolean generated = !fos.isEmpty();
        String en = generated
                ? (allFulfillable ? "Fulfillment orders exist and every shippable line can be fulfilled."
                        : "Fulfillment orders exist, but some lines cannot be fulfilled yet (see each line).")
                : "Shopify has generated no fulfillment order for this order yet.";
        String ja = generated
                ? (allFulfillable ? "フルフィルメントオーダーが生成済みで、配送が必要な全明細を発送処理できます。"
                        : "フルフィルメントオーダーは生成済みですが、まだ発送処理できない明細があります（各明細を参照）。")
                : "この注文のフルフィルメントオーダーはまだ生成されていません。";
        return new Report(orderId, name, shop, generated, fos.size(), generated && allFulfillable, en, ja, lines);
    }

    private static FoView view(JsonObject fo, JsonObject foLine) {
        List<String> actions = new ArrayList<>();
        for (Object a : fo.getJsonArray("supportedActions", new JsonArray())) {
            actions.add(((JsonObject) a).getString("action"));
        }
        List<String> holds = new ArrayList<>();
        for (Object h : fo.getJsonArray("fulfillmentHolds", new JsonArray())) {
            JsonObject hold = (JsonObject) h;
            holds.add(hold.getString("reason") + (hold.getString("reasonNotes") == null ? "" : ": " + hold.getString("reasonNotes")));
        }
        JsonObject location = fo.getJsonObject("assignedLocation", new JsonObject());
        String kind = actions.contains("CREATE_FULFILLMENT") ? "merchant_managed"
                : actions.contains("REQUEST_FULFILLMENT") ? "fulfillment_service" : "unknown";
        return new FoView(fo.getString("id"), fo.getString("status"), location.getString("name"),
                location.getJsonObject("location", new JsonObject()).getString("id"), kind, holds, fo.getString("fulfillAt"),
                actions, foLine.getInteger("totalQuantity", 0), foLine.getInteger("remainingQuantity", 0));
    }
}

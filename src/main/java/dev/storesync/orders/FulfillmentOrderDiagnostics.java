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
 * "FO generated vs FO missing" comparison in one call, read live from Shopify. Besides the
 * fulfillment orders it reads each line's product prerequisites for Shopify's order routing
 * (requires shipping, inventory tracked and stocked at the location, delivery profile with rates),
 * so a line Shopify created no fulfillment order for gets the likely reason. Only Shopify creates
 * fulfillment orders; StoreSync can only say what to fix in the store.
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

    /**
     * One prerequisite of a line: {@code requires_shipping}, {@code variant}, {@code inventory_tracked},
     * {@code stocked_at_location}, {@code delivery_profile}. {@code ok} is null when it could not be read.
     */
    public record Check(String name, Boolean ok, String en, String ja) {
    }

    public record LineDiagnosis(String lineItemId, String sku, int quantity, boolean requiresShipping, String vendor,
            String verdict, String en, String ja, List<Check> prerequisites, List<FoView> fulfillmentOrders) {
    }

    /** {@code productsNote} says why prerequisites are unknown (Shopify refused the product read), else null. */
    public record Report(long orderId, String orderName, String shop, boolean fulfillmentOrdersGenerated,
            int fulfillmentOrderCount, boolean allShippableLinesFulfillable, String en, String ja,
            String productsNote, List<LineDiagnosis> lines) {
    }

    public Uni<Report> explain(long orderId) {
        return pool.preparedQuery("SELECT o.gid, o.name, sh.domain FROM orders o JOIN shops sh ON sh.id = o.shop_id WHERE o.id = $1")
                .execute(Tuple.of(orderId)).chain(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("No order with id " + orderId);
                    }
                    var row = rows.iterator().next();
                    String shop = row.getString("domain");
                    String gid = row.getString("gid");
                    return shopify.query(shop, "OrderFulfillmentOrders", Map.of("id", gid)).chain(result -> {
                        if (!(result instanceof ShopifyResult.Success success)) {
                            throw new ProblemException(Problem.of(502, "shopify-unavailable", "Shopify did not answer",
                                    result.message().en() + " / " + result.message().ja()));
                        }
                        JsonObject order = success.data().getJsonObject("order");
                        if (order == null) {
                            throw ProblemException.notFound("Shopify has no order " + gid);
                        }
                        // The prerequisites refine the report; without them (e.g. a missing products
                        // scope) it still shows the fulfillment orders.
                        return shopify.query(shop, "OrderLineProducts", Map.of("id", gid)).map(products ->
                                products instanceof ShopifyResult.Success read && read.data().getJsonObject("order") != null
                                        ? report(orderId, row.getString("name"), shop, order,
                                                LinePrerequisites.byLine(read.data().getJsonObject("order")), null)
                                        : report(orderId, row.getString("name"), shop, order, Map.of(),
                                                products.message().en()));
                    });
                });
    }

    static Report report(long orderId, String name, String shop, JsonObject order,
            Map<String, LinePrerequisites> prerequisites, String productsNote) {
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
            LinePrerequisites product = prerequisites.get(line.getString("id"));
            List<String> locations = views.stream().map(FoView::locationId).filter(java.util.Objects::nonNull).toList();
            List<Check> checks = product == null ? List.of() : product.checks(locations);
            Check failing = checks.stream().filter(c -> Boolean.FALSE.equals(c.ok())).findFirst().orElse(null);
            String verdict;
            String en;
            String ja;
            if (!ships) {
                verdict = "no_shipping_needed";
                en = "Does not require shipping; no tracking is needed.";
                ja = "配送不要の商品です。追跡番号は不要です。";
            } else if (product != null && product.currentQuantity() == 0) {
                verdict = "removed_by_edit";
                en = "An order edit removed this line (current quantity 0): nothing to ship.";
                ja = "注文編集でこの明細は削除されました（現在の数量0）。発送は不要です。";
            } else if (fulfillable) {
                verdict = "fulfillable";
                en = "Has an open fulfillment order StoreSync can fulfil.";
                ja = "StoreSyncが発送処理できるフルフィルメントオーダーがあります。";
            } else if (views.isEmpty() && failing != null) {
                verdict = LinePrerequisites.verdict(failing);
                en = "No fulfillment order, probably because: " + failing.en() + " Fix it in Shopify; only Shopify creates fulfillment orders.";
                ja = "フルフィルメントオーダーがありません。考えられる原因: " + failing.ja()
                        + " Shopifyの設定を修正してください（フルフィルメントオーダーはShopifyのみが作成します）。";
            } else if (views.isEmpty()) {
                verdict = "fo_missing";
                en = product == null
                        ? "No fulfillment order yet: Shopify's order routing has not assigned this line (or a scope hides it)."
                        : "No fulfillment order yet, although the product meets the prerequisites: Shopify's order routing "
                                + "has not finished, or a missing fulfillment order scope hides it.";
                ja = product == null
                        ? "フルフィルメントオーダーがまだありません（注文ルーティング未完了、または権限不足で見えません）。"
                        : "商品の前提条件は満たしていますが、フルフィルメントオーダーがまだありません（注文ルーティング未完了、"
                                + "またはフルフィルメントオーダーの権限不足で見えません）。";
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
            int quantity = product == null ? line.getInteger("quantity", 0) : product.currentQuantity();
            lines.add(new LineDiagnosis(line.getString("id"), line.getString("sku"), quantity, ships,
                    line.getString("vendor"), verdict, en, ja, checks, views));
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
        return new Report(orderId, name, shop, generated, fos.size(), generated && allFulfillable, en, ja, productsNote,
                lines);
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

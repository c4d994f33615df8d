package dev.storesync.shipments.sync;

import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads all of an order's fulfillment orders with all their lines and fulfillments: a single query
 * would have to cut them (Shopify's cost limit), so every connection whose {@code pageInfo} says
 * there is more is followed with a paged query. The result has the shape of one unpaged read
 * ({@code {id, cancelledAt, fulfillmentOrders: {nodes: [...]}}}); a fulfillment that spans several
 * FOs carries all its lines under each.
 */
@ApplicationScoped
public class FulfillmentOrderReader {

    /** Upper bound on the pages of one connection (5,000 FOs, 62,500 lines): a guard against a cursor loop. */
    static final int MAX_PAGES = 250;

    /** What a read gives: the assembled order (null when Shopify has no such order), or Shopify's refusal. */
    public sealed interface Read {
    }

    public record Order(JsonObject order) implements Read {
    }

    public record Failed(ShopifyResult result) implements Read {
    }

    private final ShopifyAdminClient shopify;

    public FulfillmentOrderReader(ShopifyAdminClient shopify) {
        this.shopify = shopify;
    }

    public Uni<Read> read(String shop, String orderGid) {
        return page(shop, "SyncFulfillmentOrders", orderGid, null, "order", "fulfillmentOrders")
                .chain(first -> {
                    if (first.failed() != null) {
                        return Uni.createFrom().item(first.failed());
                    }
                    if (first.owner() == null) {
                        return Uni.createFrom().item(new Order(null));
                    }
                    List<JsonObject> fos = new ArrayList<>(first.nodes());
                    return rest(shop, "SyncFulfillmentOrders", orderGid, first, "order", "fulfillmentOrders", fos, 1)
                            .chain(failed -> failed != null ? Uni.createFrom().item(failed)
                                    : completeFulfillmentOrders(shop, fos, 0, new HashSet<>())
                                            .map(f -> f != null ? f : assemble(first.owner(), fos)));
                });
    }

    private static Read assemble(JsonObject order, List<JsonObject> fos) {
        Map<String, JsonObject> fulfillments = new HashMap<>();
        for (JsonObject fo : fos) {
            for (JsonObject f : nodes(fo.getJsonObject("fulfillments"))) {
                fulfillments.merge(f.getString("id"), f, (a, b) -> lineCount(a) >= lineCount(b) ? a : b);
            }
        }
        JsonArray nodes = new JsonArray();
        for (JsonObject fo : fos) {
            JsonArray fs = new JsonArray();
            nodes(fo.getJsonObject("fulfillments")).forEach(f -> fs.add(fulfillments.get(f.getString("id"))));
            nodes.add(fo.copy().put("fulfillments", new JsonObject().put("nodes", fs)));
        }
        return new Order(order.copy().put("fulfillmentOrders", new JsonObject().put("nodes", nodes)));
    }

    private static int lineCount(JsonObject fulfillment) {
        return nodes(fulfillment.getJsonObject("fulfillmentLineItems")).size();
    }

    /** Completes each FO's lines and fulfillments, then each fulfillment's lines; returns a failure or null. */
    private Uni<Failed> completeFulfillmentOrders(String shop, List<JsonObject> fos, int index, Set<String> done) {
        if (index == fos.size()) {
            return Uni.createFrom().nullItem();
        }
        JsonObject fo = fos.get(index);
        String id = fo.getString("id");
        return complete(shop, "SyncFulfillmentOrderLineItemsPage", id, fo, "lineItems")
                .chain(f -> f != null ? Uni.createFrom().item(f)
                        : complete(shop, "SyncFulfillmentsPage", id, fo, "fulfillments"))
                .chain(f -> f != null ? Uni.createFrom().item(f)
                        : completeFulfillments(shop, nodes(fo.getJsonObject("fulfillments")), 0, done))
                .chain(f -> f != null ? Uni.createFrom().item(f) : completeFulfillmentOrders(shop, fos, index + 1, done));
    }

    // A fulfillment spanning several FOs is listed under each; its lines are read once (assemble picks that copy).
    private Uni<Failed> completeFulfillments(String shop, List<JsonObject> fulfillments, int index, Set<String> done) {
        if (index == fulfillments.size()) {
            return Uni.createFrom().nullItem();
        }
        JsonObject f = fulfillments.get(index);
        if (!done.add(f.getString("id"))) {
            return completeFulfillments(shop, fulfillments, index + 1, done);
        }
        return complete(shop, "SyncFulfillmentLineItemsPage", f.getString("id"), f, "fulfillmentLineItems")
                .chain(failed -> failed != null ? Uni.createFrom().item(failed)
                        : completeFulfillments(shop, fulfillments, index + 1, done));
    }

    /** Appends the remaining pages of {@code owner.connection} in place; returns a failure or null. */
    private Uni<Failed> complete(String shop, String operation, String id, JsonObject owner, String connection) {
        JsonObject conn = owner.getJsonObject(connection);
        if (conn == null || !hasNext(conn)) {
            return Uni.createFrom().nullItem();
        }
        JsonArray all = conn.getJsonArray("nodes", new JsonArray()).copy();
        Page start = new Page(null, owner, List.of(), conn.getJsonObject("pageInfo"));
        String root = "SyncFulfillmentLineItemsPage".equals(operation) ? "fulfillment" : "fulfillmentOrder";
        List<JsonObject> collected = new ArrayList<>();
        return rest(shop, operation, id, start, root, connection, collected, 1).map(failed -> {
            if (failed == null) {
                collected.forEach(all::add);
                owner.put(connection, new JsonObject().put("nodes", all));
            }
            return failed;
        });
    }

    private record Page(Failed failed, JsonObject owner, List<JsonObject> nodes, JsonObject pageInfo) {
    }

    /** Follows {@code previous}'s pageInfo, adding each page's nodes to {@code into}; returns a failure or null. */
    private Uni<Failed> rest(String shop, String operation, String id, Page previous, String root, String connection,
            List<JsonObject> into, int pages) {
        if (previous.pageInfo() == null || !previous.pageInfo().getBoolean("hasNextPage", false)) {
            return Uni.createFrom().nullItem();
        }
        if (pages >= MAX_PAGES) {
            return Uni.createFrom().item(new Failed(new ShopifyResult.Rejected(shop, 200,
                    operation + " of " + id + " has more than " + MAX_PAGES + " pages")));
        }
        return page(shop, operation, id, previous.pageInfo().getString("endCursor"), root, connection).chain(next -> {
            if (next.failed() != null) {
                return Uni.createFrom().item(next.failed());
            }
            if (next.owner() == null) {
                // Gone between two pages (merged, moved, deleted): the next attempt re-reads from the start.
                return Uni.createFrom().item(new Failed(new ShopifyResult.Transient(shop,
                        ShopifyResult.Cause.CHANGED_WHILE_READING)));
            }
            into.addAll(next.nodes());
            return rest(shop, operation, id, next, root, connection, into, pages + 1);
        });
    }

    private Uni<Page> page(String shop, String operation, String id, String after, String root, String connection) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("id", id);
        variables.put("after", after);
        return shopify.query(shop, operation, variables).map(result -> {
            if (!(result instanceof ShopifyResult.Success s)) {
                return new Page(new Failed(result), null, List.of(), null);
            }
            JsonObject owner = s.data().getJsonObject(root);
            if (owner == null) {
                return new Page(null, null, List.of(), null);
            }
            JsonObject conn = owner.getJsonObject(connection, new JsonObject());
            return new Page(null, owner, nodes(conn), conn.getJsonObject("pageInfo"));
        });
    }

    private static boolean hasNext(JsonObject connection) {
        JsonObject pageInfo = connection.getJsonObject("pageInfo");
        return pageInfo != null && pageInfo.getBoolean("hasNextPage", false);
    }

    static List<JsonObject> nodes(JsonObject connection) {
        return FulfillmentPlan.nodes(connection);
    }
}

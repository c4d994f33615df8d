package dev.storesync.orders;

import dev.storesync.kernel.ProblemException;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads orders with their lines; a vendor key sees only its own lines, and only orders that have some. */
@ApplicationScoped
public class OrderQueries {

    private final Pool pool;

    public OrderQueries(Pool pool) {
        this.pool = pool;
    }

    public Uni<OrderDtos.View> show(long id, Optional<Long> vendor) {
        return load("o.id = $1", Tuple.of(id), vendor)
                .map(list -> list.stream().findFirst().orElseThrow(() -> ProblemException.notFound("No order with id " + id)));
    }

    /** Orders found by name (e.g. {@code #1001}) or Shopify id, as CSV files and vendors refer to them. */
    public Uni<List<OrderDtos.View>> find(String name, Long shopifyId, Optional<Long> vendor) {
        if (name == null && shopifyId == null) {
            throw ProblemException.invalidField("name", "give name or shopifyId");
        }
        return name != null ? load("o.name = $1", Tuple.of(name), vendor) : load("o.shopify_id = $1", Tuple.of(shopifyId), vendor);
    }

    private Uni<List<OrderDtos.View>> load(String where, Tuple params, Optional<Long> vendor) {
        return pool.preparedQuery("SELECT o.*, sh.domain FROM orders o JOIN shops sh ON sh.id = o.shop_id WHERE " + where
                + " ORDER BY o.id LIMIT 50").execute(params).chain(orders -> {
                    List<Row> rows = new ArrayList<>();
                    orders.forEach(rows::add);
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(List.<OrderDtos.View>of());
                    }
                    Long[] ids = rows.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
                    return pool.preparedQuery("""
                            SELECT li.*, COALESCE((SELECT sum(sl.quantity) FROM shipment_line_items sl
                                     JOIN shipments s ON s.id = sl.shipment_id
                                     WHERE sl.line_item_id = li.id AND s.status = 'shipped'), 0) AS shipped
                            FROM order_line_items li WHERE li.order_id = ANY($1) ORDER BY li.id""").execute(Tuple.of(ids))
                            .map(lines -> {
                                List<OrderDtos.View> out = new ArrayList<>();
                                for (Row o : rows) {
                                    List<OrderDtos.LineView> mine = new ArrayList<>();
                                    for (Row l : lines) {
                                        if (!l.getLong("order_id").equals(o.getLong("id"))) {
                                            continue;
                                        }
                                        if (vendor.isPresent() && !vendor.get().equals(l.getLong("vendor_id"))) {
                                            continue;
                                        }
                                        int shipped = l.getInteger("shipped");
                                        mine.add(new OrderDtos.LineView(l.getLong("id"), l.getLong("shopify_id"), l.getString("sku"),
                                                l.getString("title"), l.getString("variant_title"), l.getString("shopify_vendor"),
                                                l.getLong("vendor_id"), l.getInteger("quantity"), l.getInteger("ordered_quantity"),
                                                l.getBoolean("requires_shipping"),
                                                shipped, Math.max(0, l.getInteger("quantity") - shipped)));
                                    }
                                    if (vendor.isPresent() && mine.isEmpty()) {
                                        continue;
                                    }
                                    out.add(new OrderDtos.View(o.getLong("id"), o.getString("domain"), o.getLong("shopify_id"),
                                            o.getString("name"), SqlTimes.instant(o, "shopify_created_at"), SqlTimes.instant(o, "shopify_updated_at"),
                                            SqlTimes.instant(o, "cancelled_at"), o.getString("financial_status"),
                                            o.getString("fulfillment_status"), o.getString("customer_name"), mine));
                                }
                                return out;
                            });
                });
    }
}

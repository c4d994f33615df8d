package dev.storesync.shipments;

import dev.storesync.kernel.ProblemException;
import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Lists and shows shipments; a vendor key only ever sees its own vendor's shipments. */
@ApplicationScoped
public class ShipmentQueries {

    private static final Set<String> SYNC_STATUSES = Set.of("pending", "synced", "failed", "cancelled");

    /** Filters of the list; all optional. */
    public record Filter(Long orderId, Long vendorId, String syncStatus, Instant from, Instant to, Long cursor, int limit) {
    }

    private final Pool pool;

    public ShipmentQueries(Pool pool) {
        this.pool = pool;
    }

    public Uni<ShipmentDtos.Page> list(Filter filter, Optional<Long> callerVendor) {
        if (filter.syncStatus() != null && !SYNC_STATUSES.contains(filter.syncStatus())) {
            throw ProblemException.invalidField("syncStatus", "must be one of pending, synced, failed, cancelled");
        }
        if (callerVendor.isPresent() && filter.vendorId() != null && !callerVendor.get().equals(filter.vendorId())) {
            throw ProblemException.forbidden("A vendor key can only list its own vendor's shipments.");
        }
        Long vendor = callerVendor.orElse(filter.vendorId());
        List<String> where = new ArrayList<>();
        Tuple params = Tuple.tuple();
        add(where, params, "s.order_id = $", filter.orderId());
        add(where, params, "s.vendor_id = $", vendor);
        add(where, params, "s.sync_status = $", filter.syncStatus());
        add(where, params, "s.created_at >= $", SqlTimes.timestamptz(filter.from()));
        add(where, params, "s.created_at < $", SqlTimes.timestamptz(filter.to()));
        add(where, params, "s.id < $", filter.cursor());
        String clause = where.isEmpty() ? "TRUE" : String.join(" AND ", where);
        params.addInteger(filter.limit() + 1);
        return ShipmentViews.load(pool, clause, "ORDER BY s.id DESC LIMIT $" + params.size(), params, false)
                .map(views -> {
                    boolean more = views.size() > filter.limit();
                    List<ShipmentDtos.View> page = more ? views.subList(0, filter.limit()) : views;
                    return new ShipmentDtos.Page(page, more ? String.valueOf(page.get(page.size() - 1).id()) : null);
                });
    }

    public Uni<ShipmentDtos.View> show(long id, Optional<Long> callerVendor) {
        return ShipmentViews.load(pool, "s.id = $1", "", Tuple.of(id), true).map(views -> {
            if (views.isEmpty() || (callerVendor.isPresent() && !callerVendor.get().equals(views.get(0).vendorId()))) {
                throw ProblemException.notFound("No shipment with id " + id);
            }
            return views.get(0);
        });
    }

    private static void add(List<String> where, Tuple params, String condition, Object value) {
        if (value != null) {
            params.addValue(value);
            where.add(condition + params.size());
        }
    }
}

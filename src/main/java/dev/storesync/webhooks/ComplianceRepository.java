package dev.storesync.webhooks;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code compliance_requests}, the audit of GDPR/CCPA webhooks. */
@ApplicationScoped
public class ComplianceRepository {

    private static final String RECORD = """
            INSERT INTO compliance_requests (inbox_id, shop_id, shop_domain, topic, customer_id, action, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)
            ON CONFLICT (inbox_id) DO UPDATE
            SET action = EXCLUDED.action, details = EXCLUDED.details, updated_at = now()
            """;

    private static final String LIST = """
            SELECT id, inbox_id, shop_id, shop_domain, topic, customer_id, action, details::text AS details,
                   created_at, updated_at
            FROM compliance_requests
            WHERE ($1::text IS NULL OR shop_domain = $1) AND ($2::bigint IS NULL OR id < $2)
            ORDER BY id DESC
            LIMIT $3
            """;

    private final Pool pool;

    public ComplianceRepository(Pool pool) {
        this.pool = pool;
    }

    /** Records what was done for the request in an inbox row; a retry of the same row overwrites it. */
    public Uni<Void> record(InboxDelivery request, Long customerId, String action, JsonObject details) {
        Tuple args = Tuple.tuple().addLong(request.id()).addValue(request.shopId()).addString(request.shopDomain())
                .addString(request.topic()).addValue(customerId).addString(action).addString(details.encode());
        return pool.preparedQuery(RECORD).execute(args).replaceWithVoid();
    }

    /** Newest first, ids below {@code before} when given. */
    public Uni<List<InboxDtos.ComplianceRecord>> list(String shop, Long before, int limit) {
        return pool.preparedQuery(LIST).execute(Tuple.of(shop, before, limit)).map(rows -> {
            List<InboxDtos.ComplianceRecord> out = new ArrayList<>(rows.rowCount());
            for (Row r : rows) {
                out.add(new InboxDtos.ComplianceRecord(r.getLong("id"), r.getLong("inbox_id"), r.getLong("shop_id"),
                        r.getString("shop_domain"), r.getString("topic"), r.getLong("customer_id"),
                        r.getString("action"), r.getString("details"), instant(r.getOffsetDateTime("created_at")),
                        instant(r.getOffsetDateTime("updated_at"))));
            }
            return out;
        });
    }

    private static java.time.Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}

package dev.storesync.shops;

import dev.storesync.kernel.SqlTimes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The {@code shop_webhook_subscriptions} table: per shop and topic, the outcome of the last attempt. */
@ApplicationScoped
public class WebhookSubscriptionStates {

    /** One topic's recorded state; the error is null unless it failed. */
    public record Recorded(String state, Instant lastAttemptAt, String errorEn, String errorJa) {
    }

    private final Pool pool;

    public WebhookSubscriptionStates(Pool pool) {
        this.pool = pool;
    }

    /** Records that the topic is subscribed for the shop. */
    public Uni<Void> subscribed(String domain, String topic) {
        return record(domain, topic, "subscribed", null, null);
    }

    /** Records that subscribing the shop to the topic failed, with what people should read. */
    public Uni<Void> failed(String domain, String topic, String errorEn, String errorJa) {
        return record(domain, topic, "failed", errorEn, errorJa);
    }

    private Uni<Void> record(String domain, String topic, String state, String errorEn, String errorJa) {
        return pool.preparedQuery("""
                INSERT INTO shop_webhook_subscriptions (shop_id, topic, state, last_attempt_at, last_error_en, last_error_ja)
                SELECT id, $2, $3, now(), $4, $5 FROM shops WHERE domain = $1
                ON CONFLICT (shop_id, topic) DO UPDATE SET state = EXCLUDED.state,
                    last_attempt_at = EXCLUDED.last_attempt_at, last_error_en = EXCLUDED.last_error_en,
                    last_error_ja = EXCLUDED.last_error_ja""")
                .execute(Tuple.of(domain, topic, state, errorEn, errorJa)).replaceWithVoid();
    }

    /** The recorded states of a shop, by topic. */
    Uni<Map<String, Recorded>> of(long shopId) {
        return pool.preparedQuery("""
                SELECT topic, state, last_attempt_at, last_error_en, last_error_ja
                FROM shop_webhook_subscriptions WHERE shop_id = $1""").execute(Tuple.of(shopId)).map(rows -> {
                    Map<String, Recorded> out = new HashMap<>();
                    for (Row row : rows) {
                        out.put(row.getString("topic"), new Recorded(row.getString("state"),
                                SqlTimes.instant(row, "last_attempt_at"), row.getString("last_error_en"),
                                row.getString("last_error_ja")));
                    }
                    return out;
                });
    }
}

package dev.storesync.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A webhook line's current quantity, with payloads that lack it. */
class OrderSnapshotTest {

    private static OrderSnapshot.Line line(JsonObject item) {
        JsonObject order = new JsonObject().put("admin_graphql_api_id", "gid://shopify/Order/1").put("name", "#1")
                .put("updated_at", "2026-11-01T09:00:00+09:00")
                .put("line_items", new JsonArray().add(item.put("admin_graphql_api_id", "gid://shopify/LineItem/2")));
        return OrderSnapshot.fromWebhook(order, Instant.parse("2026-11-01T00:00:00Z")).lines().get(0);
    }

    @Test
    void shouldTakeTheCurrentQuantityAndKeepTheOrderedOne() {
        OrderSnapshot.Line edited = line(new JsonObject().put("quantity", 3).put("current_quantity", 1));
        assertThat(edited.quantity()).isEqualTo(1);
        assertThat(edited.orderedQuantity()).isEqualTo(3);
    }

    @Test
    void shouldFallBackToTheOrderedQuantityWhenThePayloadHasNoCurrentOne() {
        assertThat(line(new JsonObject().put("quantity", 3)).quantity()).isEqualTo(3);
        assertThat(line(new JsonObject().put("quantity", 3).putNull("current_quantity")).quantity()).isEqualTo(3);
    }
}

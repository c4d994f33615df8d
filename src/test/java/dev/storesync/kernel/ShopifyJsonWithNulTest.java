package dev.storesync.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The NUL rule guards our API's request bodies only: Shopify's answers and webhooks may carry one. */
@QuarkusTest
class ShopifyJsonWithNulTest {

    @Test
    void shouldReadJsonFromShopifyThatHoldsANulCharacter() {
        JsonObject answer = new JsonObject("{\"note\":\"gift\\u0000wrap\",\"quantity\":1.5}");
        assertThat(answer.getString("note")).isEqualTo("gift\u0000wrap");
        assertThat(answer.getDouble("quantity")).isEqualTo(1.5);
    }
}

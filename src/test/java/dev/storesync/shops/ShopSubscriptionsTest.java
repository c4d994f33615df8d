package dev.storesync.shops;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimShop;
import dev.storesync.shopify.sim.SimWebhookSubscription;
import dev.storesync.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Shops registered by hand get the same webhook subscriptions as installed ones, and show their state. */
@QuarkusTest
class ShopSubscriptionsTest {

    private static final String CALLBACK = "http://localhost:8080/webhooks/shopify";
    private static final String ROUTING_COMPLETE = "FULFILLMENT_ORDERS_ORDER_ROUTING_COMPLETE";

    @InjectShopifySimulator
    ShopifySimulator sim;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    private static JsonPath register(String domain, String token) {
        return asAdmin().body(Map.of("domain", domain, "accessToken", token)).post("/admin/shops")
                .then().statusCode(201).extract().jsonPath();
    }

    @Test
    void shouldSubscribeAShopRegisteredByHand() {
        String domain = Api.uniqueShopDomain("manual");
        SimShop shop = sim.addShop(domain, "shpat_manual");

        JsonPath registered = register(domain, "shpat_manual");

        List<String> states = registered.getList("webhookSubscriptions.state", String.class);
        assertThat(states).isNotEmpty().containsOnly("subscribed");
        assertThat(registered.getList("webhookSubscriptions.topic", String.class)).contains(ROUTING_COMPLETE, "ORDERS_CREATE");
        assertThat(registered.getList("webhookSubscriptions.lastAttemptAt", String.class)).doesNotContainNull();
        assertThat(shop.webhookSubscriptions()).extracting(SimWebhookSubscription::topic).contains(ROUTING_COMPLETE)
                .hasSize(states.size());
        assertThat(shop.webhookSubscriptions()).allMatch(s -> s.callbackUrl().equals(CALLBACK));
        // Lists stay light: the per-topic state is shown for one shop.
        assertThat(asAdmin().get("/admin/shops").then().statusCode(200).extract().jsonPath()
                .getList("find { it.domain == '" + domain + "' }.webhookSubscriptions")).isNull();
    }

    @Test
    void shouldRegisterWhenShopifyIsUnreachableAndSubscribeOnRequestIdempotently() {
        String domain = Api.uniqueShopDomain("offline");
        SimShop shop = sim.addShop(domain, "shpat_offline");
        sim.faults().always().shop(domain).dropConnection();

        JsonPath registered = register(domain, "shpat_offline");
        long id = registered.getLong("id");
        assertThat(registered.getList("webhookSubscriptions.state", String.class)).isNotEmpty().containsOnly("failed");
        assertThat(registered.getList("webhookSubscriptions.lastError.en", String.class))
                .allMatch(e -> e.contains("could not be reached"));
        assertThat(registered.getList("webhookSubscriptions.lastError.ja", String.class))
                .allMatch(e -> e.contains("接続"));
        assertThat(shop.webhookSubscriptions()).isEmpty();
        JsonPath shown = asAdmin().get("/admin/shops/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(shown.getString("webhookSubscriptions.find { it.topic == '" + ROUTING_COMPLETE + "' }.state"))
                .isEqualTo("failed");

        sim.faults().clear();
        JsonPath subscribed = asAdmin().post("/admin/shops/" + id + "/subscriptions").then().statusCode(200)
                .extract().jsonPath();
        assertThat(subscribed.getList("webhookSubscriptions.state", String.class)).containsOnly("subscribed");
        assertThat(subscribed.getList("webhookSubscriptions.lastError")).containsOnlyNulls();
        int count = shop.webhookSubscriptions().size();
        assertThat(count).isEqualTo(subscribed.getList("webhookSubscriptions").size());

        asAdmin().post("/admin/shops/" + id + "/subscriptions").then().statusCode(200);
        assertThat(shop.webhookSubscriptions()).hasSize(count);
        asAdmin().post("/admin/shops/999999999/subscriptions").then().statusCode(404);
    }
}

package dev.storesync.webhooks;

import static dev.storesync.testing.Api.asAdmin;
import static dev.storesync.testing.SignedWebhooks.delivery;
import static dev.storesync.testing.SignedWebhooks.registerShop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.testing.SignedWebhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mandatory compliance topics, observed through the admin API only. */
@QuarkusTest
class ComplianceWebhooksTest {

    private static final String ORDER = SignedWebhooks.sample("orders_create.json");
    private static final long CUSTOMER_ID = 115310627314723950L;
    private static final long ORDER_ID = 820982911946154500L;
    /** The ids orders are imported under: the GIDs' (the numeric ids of the samples lost precision). */
    private static final long ORDER_GID_ID = 820982911946154508L;
    private static final long OTHER_ORDER_GID_ID = 820982911946154999L;
    /** The same sample order, placed by somebody else. */
    private static final String OTHER_ORDER = ORDER
            .replace("820982911946154500", "820982911946154999")
            .replace("gid://shopify/Order/820982911946154508", "gid://shopify/Order/820982911946154999")
            .replace("115310627314723950", "115310627314723999")
            .replace("john@example.com", "ann@example.com")
            .replace("jon@example.com", "ann@example.com");

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldEraseTheShopAndItsWebhooksOnShopRedact() {
        String shop = registerShop("redact-shop");
        long shopId = SignedWebhooks.shopId(shop);
        delivery("orders/create", shop, ORDER).post().then().statusCode(200);
        delivery("app/uninstalled", shop, "{\"id\": " + shopId + "}").post().then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> asAdmin().get("/admin/shops/" + shopId).then()
                .body("state", equalTo("uninstalled")));

        SignedWebhooks.Delivery redact = delivery("shop/redact", shop,
                "{\"shop_id\": " + shopId + ", \"shop_domain\": \"" + shop + "\"}");
        redact.post().then().statusCode(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> asAdmin().get("/admin/shops/" + shopId).then()
                .statusCode(404));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonPath inbox = WebhookIntakeTest.inbox(shop);
            assertThat(inbox.getList("items.webhookId")).containsExactly(redact.webhookId());
            assertThat(inbox.getString("items[0].state")).isEqualTo("completed");
        });
        JsonPath audit = compliance(shop);
        assertThat(audit.getString("items[0].topic")).isEqualTo("shop/redact");
        assertThat(audit.getString("items[0].action")).isEqualTo("erased");
        assertThat(audit.getBoolean("items[0].details.shopRowDeleted")).isTrue();
        assertThat(audit.getInt("items[0].details.inboxRowsDeleted")).isEqualTo(2);

        delivery("orders/create", shop, ORDER).post().then().statusCode(401);
    }

    @Test
    void shouldScrubTheCustomerFromStoredPayloadsOnCustomersRedact() {
        String shop = registerShop("redact-customer");
        SignedWebhooks.Delivery order = delivery("orders/create", shop, ORDER);
        order.post().then().statusCode(200);
        SignedWebhooks.Delivery other = delivery("orders/create", shop, OTHER_ORDER);
        other.post().then().statusCode(200);
        awaitOrdersImported(shop);

        SignedWebhooks.Delivery redact = delivery("customers/redact", shop, """
                {"shop_id": 1, "shop_domain": "%s",
                 "customer": {"id": %d, "email": "john@example.com", "phone": "555-625-1199"},
                 "orders_to_redact": [%d]}""".formatted(shop, CUSTOMER_ID, ORDER_ID));
        redact.post().then().statusCode(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(row(shop, redact.webhookId())
                .getString("state")).isEqualTo("completed"));

        JsonPath scrubbed = row(shop, order.webhookId());
        assertThat(scrubbed.getString("redactedAt")).isNotNull();
        assertThat(scrubbed.getString("payload.email")).isNull();
        assertThat(scrubbed.getString("payload.contact_email")).isNull();
        assertThat(scrubbed.getString("payload.phone")).isNull();
        assertThat(scrubbed.getMap("payload.billing_address")).isNull();
        assertThat(scrubbed.getMap("payload.shipping_address")).isNull();
        assertThat(scrubbed.getMap("payload.customer")).containsOnlyKeys("id", "admin_graphql_api_id");
        assertThat(scrubbed.prettify()).doesNotContain("john@example.com", "jon@example.com", "123 Elm St.", "Smith");
        assertThat(scrubbed.getString("payload.line_items[0].title")).isNotNull();

        JsonPath untouched = row(shop, other.webhookId());
        assertThat(untouched.getString("redactedAt")).isNull();
        assertThat(untouched.getString("payload.customer.email")).isEqualTo("ann@example.com");

        assertThat(row(shop, redact.webhookId()).prettify()).doesNotContain("john@example.com", "555-625-1199");

        JsonPath audit = compliance(shop);
        assertThat(audit.getString("items[0].action")).isEqualTo("redacted");
        assertThat(audit.getLong("items[0].customerId")).isEqualTo(CUSTOMER_ID);
        assertThat(audit.getInt("items[0].details.inboxRowsRedacted")).isEqualTo(2);
        assertThat(audit.getInt("items[0].details.ordersRedacted")).isEqualTo(1);
        assertThat(audit.prettify()).doesNotContain("john@example.com");

        asAdmin().get("/orders?shopifyId=" + ORDER_GID_ID).then().statusCode(200)
                .body("find { it.shop == '" + shop + "' }.customerName", org.hamcrest.Matchers.nullValue());
        asAdmin().get("/orders?shopifyId=" + OTHER_ORDER_GID_ID).then().statusCode(200)
                .body("find { it.shop == '" + shop + "' }.customerName", org.hamcrest.Matchers.equalTo("John Smith"));
    }

    private static void awaitOrdersImported(String shop) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            for (long id : new long[] { ORDER_GID_ID, OTHER_ORDER_GID_ID }) {
                assertThat(asAdmin().get("/orders?shopifyId=" + id).then().extract().jsonPath().getList("shop"))
                        .contains(shop);
            }
        });
    }

    @Test
    void shouldAuditADataRequestWithoutPersonalData() {
        String shop = registerShop("data-request");
        delivery("orders/create", shop, ORDER).post().then().statusCode(200);
        delivery("orders/create", shop, OTHER_ORDER).post().then().statusCode(200);
        delivery("inventory_levels/update", shop, SignedWebhooks.sample("inventory_levels_update.json")).post().then()
                .statusCode(200);
        awaitOrdersImported(shop);

        delivery("customers/data_request", shop, """
                {"shop_id": 1, "shop_domain": "%s", "orders_requested": [%d],
                 "customer": {"id": %d, "email": "john@example.com", "phone": "555-625-1199"},
                 "data_request": {"id": 9999}}""".formatted(shop, ORDER_ID, CUSTOMER_ID)).post().then()
                .statusCode(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(compliance(shop).getList("items"))
                .hasSize(1));
        JsonPath audit = compliance(shop);
        assertThat(audit.getString("items[0].topic")).isEqualTo("customers/data_request");
        assertThat(audit.getString("items[0].action")).isEqualTo("reported");
        assertThat(audit.getInt("items[0].details.inboxRows")).isEqualTo(1);
        assertThat(audit.getList("items[0].details.topics")).containsExactly("orders/create");
        assertThat(audit.getInt("items[0].details.dataRequestId")).isEqualTo(9999);
        assertThat(audit.getInt("items[0].details.ordersWithCustomerData")).isEqualTo(1);
        assertThat(audit.prettify()).doesNotContain("john@example.com", "555-625-1199");
    }

    private static JsonPath row(String shop, String webhookId) {
        List<Map<String, Object>> items = WebhookIntakeTest.inbox(shop).getList("items");
        Object id = items.stream().filter(i -> webhookId.equals(i.get("webhookId"))).findFirst().orElseThrow().get("id");
        return asAdmin().get("/admin/webhooks/inbox/" + id).then().statusCode(200)
                .body("payload", not(nullValue())).extract().jsonPath();
    }

    private static JsonPath compliance(String shop) {
        return asAdmin().get("/admin/webhooks/compliance-requests?shop=" + shop).then().statusCode(200).extract()
                .jsonPath();
    }
}

package dev.storesync.operations.orders.actions;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The v1.2 contract: the JSON Schemas under {@code src/test/resources/contract/v1.2/} checked against
 * real answers of every dashboard endpoint (successes and each failure), the request bodies the
 * tests send, and the request and answer examples of the OpenAPI document.
 */
@QuarkusTest
class OrderContractV12Test {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final List<String> ACTIONS = List.of("assign", "fulfill", "support", "returns");

    @InjectShopifySimulator
    ShopifySimulator sim;

    private ConnectedShop store;
    private Vendors.Vendor vendor;

    @BeforeEach
    void connect() {
        store = ConnectedShop.connect(sim, "contract");
        vendor = Vendors.create("Contract Ware");
    }

    @Test
    void shouldAnswerEveryActionAndListInTheV12Shapes() {
        SimOrder a = importOrder("C-1");
        SimOrder b = importOrder("C-2");
        SimOrder c = importOrder("C-3");

        valid("assign-response", action("assign", Map.of("shop_domain", store.domain,
                "orderIds", List.of(a.id(), b.legacyResourceId()), "assignee", "kana"), 200));
        valid("fulfill-response", action("fulfill", Map.of("shop_domain", store.domain, "orderIds", List.of(a.name()),
                "tracking", Map.of("number", "CT-1", "carrier", "Yamato", "url", "https://track.example/CT-1")), 200));
        valid("fulfill-response", action("fulfill", Map.of("shop_domain", store.domain, "orderIds", List.of(b.id())), 200));
        valid("support-response", action("support", Map.of("shop_domain", store.domain, "orderId", c.name(),
                "conversationId", "conv-contract", "note", "Where is my parcel?"), 200));
        for (String step : List.of("open", "label_generated", "in_transit")) {
            valid("returns-response", action("returns", Map.of("shop_domain", store.domain, "orderId", c.id(),
                    "action", step, "note", "step " + step), 200));
        }

        // Each failure the contract names, in the failure envelope.
        valid("failure", action("assign", Map.of("orderIds", List.of(a.id()), "assignee", "kana"), 400));
        valid("failure", action("assign", Map.of("shop_domain", store.domain, "orderIds", List.of("#NOPE"), "assignee", "kana"), 404));
        valid("failure", action("returns", Map.of("shop_domain", store.domain, "orderId", c.id(), "action", "complete"), 409));
        valid("failure", action("assign", Map.of("shop_domain", store.domain, "orderIds", List.of(a.id()), "assignee", ""), 422));
        valid("failure", as(vendor.key()).body(Map.of("shop_domain", store.domain, "orderId", a.id(), "note", "x"))
                .post("/sync/orders/support").then().statusCode(403).extract().response());

        List<Map<String, String>> queries = List.of(Map.of(), Map.of("tab", "assigned"), Map.of("tab", "returns"),
                Map.of("tab", "support"), Map.of("pageSize", "1"), Map.of("pageSize", "1", "cursor", "ofs:1"));
        for (Map<String, String> query : queries) {
            Response page = asAdmin().queryParam("shop_domain", store.domain).queryParams(query).get("/sync/orders")
                    .then().statusCode(200).extract().response();
            valid("list-page", page);
            assertThat(page.jsonPath().getList("orders")).as("orders of %s", query).isNotEmpty();
        }
        Response listed = asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders");
        assertThat(listed.jsonPath().getString("orders.find { it.id == '" + c.id() + "' }.returnState")).isEqualTo("in_transit");
        assertThat(listed.jsonPath().getString("orders.find { it.id == '" + c.id() + "' }.supportThread")).isNotBlank();
        assertThat(listed.jsonPath().getString("orders.find { it.id == '" + a.id() + "' }.assignedTo")).isEqualTo("kana");
        valid("timeline", asAdmin().queryParam("shop_domain", store.domain).get("/sync/orders/" + c.id() + "/timeline")
                .then().statusCode(200).extract().response());
    }

    @Test
    void shouldDocumentEveryActionWithExamplesInTheContractShapes() throws IOException {
        JsonNode doc = JSON.readTree(asAdmin().accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200).extract().asString());
        for (String action : ACTIONS) {
            JsonNode post = doc.path("paths").path("/sync/orders/" + action).path("post");
            assertThat(post.isMissingNode()).as("POST /sync/orders/%s documented", action).isFalse();
            List<JsonNode> requests = examples(post.path("requestBody").path("content"));
            assertThat(requests).as("request examples of %s", action).isNotEmpty();
            requests.forEach(example -> valid(action + "-request", example));
            Iterator<Map.Entry<String, JsonNode>> responses = post.path("responses").fields();
            int documented = 0;
            while (responses.hasNext()) {
                Map.Entry<String, JsonNode> response = responses.next();
                List<JsonNode> examples = examples(response.getValue().path("content"));
                assertThat(examples).as("examples of %s %s", action, response.getKey()).isNotEmpty();
                String schema = response.getKey().equals("200") ? action + "-response" : "failure";
                examples.forEach(example -> valid(schema, example));
                documented += examples.size();
            }
            assertThat(documented).as("answers documented for %s", action).isGreaterThanOrEqualTo(5);
        }
        Map<String, String> reads = Map.of("/sync/orders", "list-page", "/sync/orders/{id}/timeline", "timeline");
        for (Map.Entry<String, String> read : reads.entrySet()) {
            List<JsonNode> examples = examples(doc.path("paths").path(read.getKey()).path("get").path("responses")
                    .path("200").path("content"));
            assertThat(examples).as("answer examples of GET %s", read.getKey()).isNotEmpty();
            examples.forEach(example -> valid(read.getValue(), example));
        }
    }

    @Test
    void shouldRefuseAnswersThatLeaveTheContract() throws IOException {
        // The schemas bite: an envelope without updatedOrders, or a list order without returnState, is refused.
        assertThat(schema("assign-response").validate(JSON.readTree("{\"success\": true, \"message\": \"Assigned 1 order to kana\"}")))
                .isNotEmpty();
        assertThat(schema("failure").validate(JSON.readTree("{\"success\": false, \"message\": \"x\", \"updatedOrders\": [],"
                + " \"title\": \"Conflict\", \"status\": 409, \"detail\": \"x\"}"))).isNotEmpty();
        assertThat(schema("returns-request").validate(JSON.readTree("{\"shop_domain\": \"a.myshopify.com\", \"orderId\": \"#1\","
                + " \"action\": \"refund_now\"}"))).isNotEmpty();
    }

    private SimOrder importOrder(String sku) {
        SimOrder order = store.shop.order().line(sku, 1, vendor.name()).createRouted();
        store.importOrder(order);
        return order;
    }

    // Sends a request that is itself checked against the action's request schema, when it means to be valid.
    private static Response action(String action, Map<String, Object> body, int status) {
        if (status == 200) {
            valid(action + "-request", (JsonNode) JSON.valueToTree(body));
        }
        Response r = asAdmin().body(body).post("/sync/orders/" + action);
        assertThat(r.statusCode()).as("status of %s: %s", action, r.asString()).isEqualTo(status);
        return r;
    }

    private static void valid(String schema, Response response) {
        try {
            valid(schema, JSON.readTree(response.asString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void valid(String schema, JsonNode instance) {
        List<Error> errors = schema(schema).validate(instance);
        assertThat(errors).as("%s against %s.schema.json", instance, schema).isEmpty();
    }

    private static Schema schema(String name) {
        try (InputStream in = OrderContractV12Test.class.getResourceAsStream("/contract/v1.2/" + name + ".schema.json")) {
            assertThat(in).as("schema %s", name).isNotNull();
            return SCHEMAS.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // The example values of every media type of a content map (SmallRye writes JSON examples as JSON).
    private static List<JsonNode> examples(JsonNode content) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode media : content) {
            for (JsonNode example : media.path("examples")) {
                JsonNode value = example.path("value");
                out.add(value.isTextual() ? JSON.readTree(value.asText()) : value);
            }
        }
        return out;
    }
}

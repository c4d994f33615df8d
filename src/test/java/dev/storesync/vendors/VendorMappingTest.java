package dev.storesync.vendors;

import static dev.storesync.testing.Api.asAdmin;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.storesync.testing.Api;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admin management of Shopify vendor text → vendor mappings. */
@QuarkusTest
class VendorMappingTest {

    private static final String MAPPINGS = "/admin/vendor-mappings";

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldCreateListAndDeleteAMapping() {
        long vendor = Api.newVendor("Mapped");
        String text = "Kobo Works " + UUID.randomUUID();

        io.restassured.response.Response created = asAdmin()
                .body(Map.of("shopifyVendor", "  " + text + " ", "vendorId", vendor)).post(MAPPINGS);
        created.then().statusCode(201)
                .body("shopifyVendor", equalTo(text))
                .body("vendorId", equalTo((int) vendor))
                .body("vendorName", notNullValue())
                .body("linesReattributed", equalTo(0));
        int id = created.path("id");
        created.then().header("Location", endsWith(MAPPINGS + "/" + id));

        asAdmin().get(MAPPINGS).then().statusCode(200)
                .body("find { it.id == " + id + " }.shopifyVendor", equalTo(text))
                .body("find { it.id == " + id + " }.vendorId", equalTo((int) vendor));

        asAdmin().delete(MAPPINGS + "/" + id).then().statusCode(204);
        asAdmin().get(MAPPINGS).then().statusCode(200).body("id", not(hasItem(id)));
        asAdmin().delete(MAPPINGS + "/" + id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void shouldRefuseASecondMappingOfTheSameVendorText() {
        long vendor = Api.newVendor("First");
        long other = Api.newVendor("Second");
        String text = "Atelier " + UUID.randomUUID();
        asAdmin().body(Map.of("shopifyVendor", text, "vendorId", vendor)).post(MAPPINGS).then().statusCode(201);

        asAdmin().body(Map.of("shopifyVendor", text, "vendorId", other)).post(MAPPINGS).then().statusCode(409)
                .contentType("application/problem+json");
        asAdmin().body(Map.of("shopifyVendor", text.toUpperCase(), "vendorId", vendor)).post(MAPPINGS).then()
                .statusCode(409);
        asAdmin().get(MAPPINGS).then().statusCode(200)
                .body("findAll { it.shopifyVendor.equalsIgnoreCase('" + text + "') }.size()", equalTo(1));
    }

    @Test
    void shouldRejectAMappingToAnUnknownVendorOrWithoutText() {
        String text = "Ghost " + UUID.randomUUID();
        asAdmin().body(Map.of("shopifyVendor", text, "vendorId", 987_654_321L)).post(MAPPINGS).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("vendorId"));
        asAdmin().body(Map.of("shopifyVendor", " ", "vendorId", Api.newVendor("Blank"))).post(MAPPINGS).then()
                .statusCode(422).body("errors[0].field", equalTo("shopifyVendor"));
        asAdmin().body(Map.of("shopifyVendor", text)).post(MAPPINGS).then()
                .statusCode(422).body("errors[0].field", equalTo("vendorId"));
        asAdmin().get(MAPPINGS).then().statusCode(200).body("shopifyVendor", not(hasItem(text)));
    }

    @Test
    void shouldKeepMappingsToAdmins() {
        long vendor = Api.newVendor("Guarded");
        Map<String, Object> body = Map.of("shopifyVendor", "Guarded " + UUID.randomUUID(), "vendorId", vendor);
        for (String key : new String[] { Api.newKey("operator", null), Api.newKey("vendor", vendor) }) {
            Api.as(key).get(MAPPINGS).then().statusCode(403).contentType("application/problem+json");
            Api.as(key).body(body).post(MAPPINGS).then().statusCode(403);
            Api.as(key).delete(MAPPINGS + "/1").then().statusCode(403);
        }
        RestAssured.given().contentType("application/json").body(body).post(MAPPINGS).then().statusCode(401);
        asAdmin().get(MAPPINGS).then().statusCode(200).body("shopifyVendor", not(hasItem(body.get("shopifyVendor"))));
    }

    @Test
    void shouldReturnLinesToTheVendorOfTheSameNameWhenTheMappingIsDeleted() {
        Vendors.Vendor named = Vendors.create("Named");
        long mapped = Api.newVendor("Elsewhere");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("fallback")).with(named.name(), "VASE-1", 1);
        Orders.Imported imported = order.createAndAwait();

        int id = asAdmin().body(Map.of("shopifyVendor", named.name(), "vendorId", mapped)).post(MAPPINGS).then()
                .statusCode(201).body("linesReattributed", equalTo(1)).extract().path("id");
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines[0].vendorId", equalTo((int) mapped));
        Api.as(named.key()).get("/orders/" + imported.id()).then().statusCode(404);

        asAdmin().delete(MAPPINGS + "/" + id).then().statusCode(204);
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines[0].vendorId", equalTo((int) named.id()));
        Api.as(named.key()).get("/orders/" + imported.id()).then().statusCode(200);
    }
}

package dev.storesync.shipments;

import static dev.storesync.testing.Api.asAdmin;
import static dev.storesync.testing.Shipments.body;
import static dev.storesync.testing.Shipments.register;
import static dev.storesync.testing.Shipments.registered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.testing.Api;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vendors registering shipments of imported orders, and what vendors and operators can then see
 * and do with them. Sync outcomes are not checked here (no Shopify behind these shops).
 */
@QuarkusTest
class ShipmentRegistrationTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldRegisterAShipmentForTheVendorsOwnLine() {
        Vendors.Vendor vendor = Vendors.create("Reg");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("reg"));
        Orders.Line line = order.line(vendor.name(), "MUG-1", 2);
        Orders.Imported imported = order.createAndAwait();

        io.restassured.response.Response created = Api.as(vendor.key())
                .body(Map.of("lines", List.of(Map.of("lineItemId", imported.lineId(line), "quantity", 2)),
                        "trackingNumber", "YT-1001", "carrier", "Yamato", "trackingUrl", "https://track.example/YT-1001"))
                .post("/orders/" + imported.id() + "/shipments");
        created.then().statusCode(201)
                .header("Idempotent-Replayed", "false")
                .body("orderId", equalTo((int) imported.id()))
                .body("orderName", equalTo(order.name()))
                .body("vendorId", equalTo((int) vendor.id()))
                .body("trackingNumber", equalTo("YT-1001"))
                .body("status", equalTo("shipped"))
                .body("syncStatus", equalTo("pending"))
                .body("statusLabel.en", equalTo("shipped (unsynced)"))
                .body("statusLabel.ja", equalTo("発送済み (未同期)"))
                .body("lines", hasSize(1))
                .body("lines[0].lineItemId", equalTo((int) imported.lineId(line)))
                .body("lines[0].quantity", equalTo(2));
        long id = created.jsonPath().getLong("id");
        assertThat(created.header("Location")).endsWith("/shipments/" + id);

        RestAssured.given().header("Authorization", "Bearer " + vendor.key()).get(created.header("Location")).then()
                .statusCode(200).body("id", equalTo((int) id)).body("trackingNumber", equalTo("YT-1001"));
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines[0].shippedQuantity", equalTo(2))
                .body("lines[0].remainingToShip", equalTo(0));
    }

    @Test
    void shouldAcceptPartialShipmentsOnlyUpToTheOrderedQuantity() {
        Vendors.Vendor vendor = Vendors.create("Partial");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("partial"));
        Orders.Line line = order.line(vendor.name(), "CUP-1", 3);
        Orders.Imported imported = order.createAndAwait();
        long lineId = imported.lineId(line);

        registered(vendor.key(), imported.id(), "P-1", lineId, 2);
        register(vendor.key(), imported.id(), body("P-2", lineId, 2)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("lines[0].quantity"))
                .body("errors[0].message", containsString("only 1"));
        registered(vendor.key(), imported.id(), "P-2", lineId, 1);
        register(vendor.key(), imported.id(), body("P-3", lineId, 1)).then().statusCode(422)
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("lines[0].quantity"))
                .body("errors[0].message", containsString("only 0"));

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200)
                .body("items.trackingNumber", contains("P-2", "P-1"));
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines[0].shippedQuantity", equalTo(3))
                .body("lines[0].remainingToShip", equalTo(0));
    }

    @Test
    void shouldForbidShippingAnotherVendorsLine() {
        Vendors.Vendor owner = Vendors.create("Owner");
        Vendors.Vendor intruder = Vendors.create("Intruder");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("forbid"));
        Orders.Line theirs = order.line(owner.name(), "OWN-1", 1);
        order.line(intruder.name(), "INT-1", 1);
        Orders.Imported imported = order.createAndAwait();

        register(intruder.key(), imported.id(), body("X-1", imported.lineId(theirs), 1)).then().statusCode(403)
                .contentType("application/problem+json")
                .body(not(containsString(theirs.title())));

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldAnswerAVendorAlikeForAnotherVendorsLineAndForALineNotInTheOrder() {
        Vendors.Vendor owner = Vendors.create("ProbeOwner");
        Vendors.Vendor prober = Vendors.create("Prober");
        String shop = SignedWebhooks.registerShop("probe");
        Orders.Order order = Orders.order(shop);
        Orders.Line theirs = order.line(owner.name(), "SECRET-1", 1);
        Orders.Line own = order.line(prober.name(), "MINE-1", 1);
        Orders.Imported imported = order.createAndAwait();
        Orders.Order other = Orders.order(shop);
        Orders.Line elsewhere = other.line(owner.name(), "SECRET-2", 1);
        long foreignLine = other.createAndAwait().lineId(elsewhere);
        long unknownLine = foreignLine + 1_000_000;

        List<String> answers = new ArrayList<>();
        for (long probe : new long[] { imported.lineId(theirs), foreignLine, unknownLine }) {
            // The same id in every probe's body, so only the line's existence and owner differ.
            io.restassured.response.Response answer = register(prober.key(), imported.id(),
                    Map.of("lines", List.of(Map.of("lineItemId", imported.lineId(own), "quantity", 1),
                            Map.of("lineItemId", probe, "quantity", 1)), "trackingNumber", "PR-1"));
            answer.then().statusCode(403).contentType("application/problem+json")
                    .body(not(containsString("SECRET"))).body(not(containsString(theirs.title())));
            answers.add(answer.asString().replace(String.valueOf(probe), "<id>"));
        }
        assertThat(answers).containsOnly(answers.get(0));
        assertThat(answers.get(0)).contains("lines[1]").contains("not one of your lines");
        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldRefuseAFractionalQuantityWith422AndStoreNothing() {
        Vendors.Vendor vendor = Vendors.create("Fraction");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("fraction"));
        Orders.Line line = order.line(vendor.name(), "HALF-1", 3);
        Orders.Imported imported = order.createAndAwait();

        Api.as(vendor.key()).body("{\"lines\": [{\"lineItemId\": " + imported.lineId(line) + ", \"quantity\": 1.5}],"
                + " \"trackingNumber\": \"F-1\"}").post("/orders/" + imported.id() + "/shipments").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors.field", contains("lines[0].quantity"))
                .body("errors[0].message", containsString("whole number"));

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines[0].shippedQuantity", equalTo(0));
    }

    @Test
    void shouldRefuseNulInTheTrackingNumberWith422AndStoreNothing() {
        Vendors.Vendor vendor = Vendors.create("Nul");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("nul"));
        Orders.Line line = order.line(vendor.name(), "NUL-1", 1);
        Orders.Imported imported = order.createAndAwait();

        register(vendor.key(), imported.id(), body("YT\u0000-1", imported.lineId(line), 1)).then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors.field", contains("trackingNumber"))
                .body("errors[0].message", containsString("NUL"));

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldRejectInvalidShipmentsWithTheOffendingField() {
        Vendors.Vendor vendor = Vendors.create("Invalid");
        String shop = SignedWebhooks.registerShop("invalid");
        Orders.Order order = Orders.order(shop);
        Orders.Line line = order.line(vendor.name(), "HAT-1", 2);
        Orders.Imported imported = order.createAndAwait();
        Orders.Order other = Orders.order(shop);
        Orders.Line elsewhere = other.line(vendor.name(), "HAT-2", 2);
        long foreignLine = other.createAndAwait().lineId(elsewhere);
        long lineId = imported.lineId(line);

        Api.as(Api.newKey("operator", null)).body(body("I-1", foreignLine, 1))
                .post("/orders/" + imported.id() + "/shipments").then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("lines[0].lineItemId"))
                .body("errors[0].message", containsString("not in this order"));
        register(vendor.key(), imported.id(), body("I-2", lineId, 0)).then().statusCode(422)
                .body("errors[0].field", equalTo("lines[0].quantity"));
        register(vendor.key(), imported.id(), Map.of("lines", List.of(Map.of("lineItemId", lineId, "quantity", 1))))
                .then().statusCode(422).body("errors[0].field", equalTo("trackingNumber"));
        register(vendor.key(), imported.id(), body("   ", lineId, 1)).then().statusCode(422)
                .body("errors[0].field", equalTo("trackingNumber"));
        register(vendor.key(), imported.id(), Map.of("lines", List.of(), "trackingNumber", "I-3")).then().statusCode(422)
                .body("errors[0].field", equalTo("lines"));
        register(vendor.key(), imported.id(), Map.of("lines", Arrays.asList((Object) null), "trackingNumber", "I-3"))
                .then().statusCode(422).body("errors[0].field", equalTo("lines[0]"));
        register(vendor.key(), 987_654_321L, body("I-4", lineId, 1)).then().statusCode(404);

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldRejectShippingACancelledOrder() {
        Vendors.Vendor vendor = Vendors.create("Cancelled");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("cancelled"));
        Orders.Line line = order.line(vendor.name(), "BAG-1", 1);
        Orders.Imported imported = order.createAndAwait();
        order.cancel().cancelled().awaitProcessed();

        register(vendor.key(), imported.id(), body("C-1", imported.lineId(line), 1)).then().statusCode(422)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("orderId"))
                .body("detail", containsString("cancelled"));
        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void shouldReplayARepeatedIdempotencyKeyAndRefuseItForADifferentRequest() {
        Vendors.Vendor vendor = Vendors.create("Idem");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("idem"));
        Orders.Line line = order.line(vendor.name(), "PEN-1", 3);
        Orders.Imported imported = order.createAndAwait();
        Map<String, Object> request = body("ID-1", imported.lineId(line), 1);

        long first = Api.as(vendor.key()).header("Idempotency-Key", "upload-42").body(request)
                .post("/orders/" + imported.id() + "/shipments").then().statusCode(201)
                .header("Idempotent-Replayed", "false").extract().jsonPath().getLong("id");
        Api.as(vendor.key()).header("Idempotency-Key", "upload-42").body(request)
                .post("/orders/" + imported.id() + "/shipments").then().statusCode(200)
                .header("Idempotent-Replayed", "true")
                .header("Location", endsWith("/shipments/" + first))
                .body("id", equalTo((int) first));
        Api.as(vendor.key()).header("Idempotency-Key", "upload-42").body(body("ID-1", imported.lineId(line), 2))
                .post("/orders/" + imported.id() + "/shipments").then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", endsWith("/idempotency-key-reused"));

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200)
                .body("items.id", contains((int) first));
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines[0].remainingToShip", equalTo(2));
    }

    @Test
    void shouldKeepEachVendorToItsOwnShipmentsAndLines() {
        Vendors.Vendor a = Vendors.create("VendorA");
        Vendors.Vendor b = Vendors.create("VendorB");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("isolation"));
        Orders.Line lineA = order.line(a.name(), "A-1", 1);
        Orders.Line lineB = order.line(b.name(), "B-1", 1);
        Orders.Imported imported = order.createAndAwait();
        long shipmentA = registered(a.key(), imported.id(), "A-TRK", imported.lineId(lineA), 1);
        long shipmentB = registered(b.key(), imported.id(), "B-TRK", imported.lineId(lineB), 1);

        Api.as(b.key()).get("/shipments/" + shipmentA).then().statusCode(404).contentType("application/problem+json");
        Api.as(b.key()).get("/shipments").then().statusCode(200)
                .body("items.id", contains((int) shipmentB));
        Api.as(b.key()).get("/shipments?orderId=" + imported.id()).then().statusCode(200)
                .body("items.id", contains((int) shipmentB));
        Api.as(b.key()).get("/shipments?vendorId=" + a.id()).then().statusCode(403);
        Api.as(b.key()).post("/shipments/" + shipmentA + "/cancel").then().statusCode(404);
        Api.as(a.key()).get("/shipments/" + shipmentA).then().statusCode(200).body("status", equalTo("shipped"));

        Api.as(b.key()).get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines", hasSize(1))
                .body("lines[0].sku", equalTo("B-1"));
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines", hasSize(2));
    }

    @Test
    void shouldFilterAndPageTheShipmentList() {
        Vendors.Vendor vendor = Vendors.create("Lister");
        String shop = SignedWebhooks.registerShop("list");
        Orders.Order first = Orders.order(shop);
        Orders.Line l1 = first.line(vendor.name(), "L-1", 1);
        Orders.Line l2 = first.line(vendor.name(), "L-2", 1);
        Orders.Imported one = first.createAndAwait();
        Orders.Order second = Orders.order(shop);
        Orders.Line l3 = second.line(vendor.name(), "L-3", 1);
        Orders.Imported two = second.createAndAwait();
        long s1 = registered(vendor.key(), one.id(), "L-TRK-1", one.lineId(l1), 1);
        JsonPath s2 = register(vendor.key(), one.id(), body("L-TRK-2", one.lineId(l2), 1)).then().statusCode(201)
                .extract().jsonPath();
        long s3 = registered(vendor.key(), two.id(), "L-TRK-3", two.lineId(l3), 1);
        Api.as(vendor.key()).post("/shipments/" + s2.getLong("id") + "/cancel").then().statusCode(200);
        int id1 = (int) s1;
        int id2 = s2.getInt("id");
        int id3 = (int) s3;
        String mine = "/shipments?vendorId=" + vendor.id();

        asAdmin().get("/shipments?orderId=" + one.id()).then().statusCode(200).body("items.id", contains(id2, id1));
        asAdmin().get(mine).then().statusCode(200).body("items.id", contains(id3, id2, id1))
                .body("nextCursor", nullValue());
        asAdmin().get(mine + "&syncStatus=cancelled").then().statusCode(200).body("items.id", contains(id2));
        asAdmin().queryParam("from", s2.getString("createdAt")).get(mine).then().statusCode(200)
                .body("items.id", contains(id3, id2));
        asAdmin().queryParam("to", s2.getString("createdAt")).get(mine).then().statusCode(200)
                .body("items.id", contains(id1));
        asAdmin().queryParam("from", "2099-01-01T00:00:00Z").get(mine).then().statusCode(200)
                .body("items", hasSize(0));
        asAdmin().get(mine + "&syncStatus=sleeping").then().statusCode(422).body("errors[0].field", equalTo("syncStatus"));
        asAdmin().get(mine + "&from=yesterday").then().statusCode(422).body("errors[0].field", equalTo("from"));
        asAdmin().get(mine + "&limit=0").then().statusCode(422).body("errors[0].field", equalTo("limit"));

        List<Integer> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = asAdmin().get(mine + "&limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).then().statusCode(200).body("items", hasSize(1)).extract().jsonPath();
            paged.add(page.getInt("items[0].id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(paged).containsExactly(id3, id2, id1);
    }

    @Test
    void shouldCancelANeverSyncedShipmentOnceAndReleaseItsQuantity() {
        Vendors.Vendor vendor = Vendors.create("Canceller");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("release"));
        Orders.Line line = order.line(vendor.name(), "TEE-1", 2);
        Orders.Imported imported = order.createAndAwait();
        long lineId = imported.lineId(line);
        long shipment = registered(vendor.key(), imported.id(), "R-1", lineId, 2);
        register(vendor.key(), imported.id(), body("R-2", lineId, 1)).then().statusCode(422);

        for (int i = 0; i < 2; i++) {
            Api.as(vendor.key()).post("/shipments/" + shipment + "/cancel").then().statusCode(200)
                    .body("id", equalTo((int) shipment))
                    .body("status", equalTo("cancelled"))
                    .body("syncStatus", equalTo("cancelled"))
                    .body("cancelledAt", not(nullValue()))
                    .body("statusLabel.en", equalTo("cancelled (back to unshipped)"))
                    .body("statusLabel.ja", equalTo("未発送に戻しました"));
        }

        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines[0].remainingToShip", equalTo(2));
        registered(vendor.key(), imported.id(), "R-3", lineId, 2);
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200).body("lines[0].remainingToShip", equalTo(0));
    }

    @Test
    void shouldLetOperatorsRetryOnlyShipmentsThatAreNotCancelled() {
        Vendors.Vendor vendor = Vendors.create("Retry");
        String operator = Api.newKey("operator", null);
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("retry"));
        Orders.Line line = order.line(vendor.name(), "CAP-1", 2);
        Orders.Imported imported = order.createAndAwait();
        long shipment = registered(vendor.key(), imported.id(), "RT-1", imported.lineId(line), 1);

        // Pending or already failed (these shops are unknown to Shopify): either way it may be retried.
        Api.as(operator).post("/shipments/" + shipment + "/retry").then().statusCode(200)
                .body("id", equalTo((int) shipment))
                .body("status", equalTo("shipped"));
        Api.as(vendor.key()).post("/shipments/" + shipment + "/retry").then().statusCode(403)
                .contentType("application/problem+json");
        Api.as(vendor.key()).body(Map.of("vendorId", vendor.id())).post("/shipments/retry-failed").then()
                .statusCode(403);

        Api.as(operator).post("/shipments/" + shipment + "/cancel").then().statusCode(200);
        Api.as(operator).post("/shipments/" + shipment + "/retry").then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("cancelled"));
        Api.as(operator).get("/shipments/" + shipment).then().statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("syncStatus", equalTo("cancelled"));
        Api.as(operator).post("/shipments/987654321/retry").then().statusCode(404);
    }
}

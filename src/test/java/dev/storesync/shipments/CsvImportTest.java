package dev.storesync.shipments;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.testing.Api;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CSV batch registration: a per-row report, one shipment per order and tracking number. */
@QuarkusTest
class CsvImportTest {

    private static final String HEADER = "order,line_item_id,sku,quantity,tracking_number,carrier,tracking_url\n";

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldReportEveryRowAndRegisterTheGoodOnesGroupedByTracking() {
        Vendors.Vendor vendor = Vendors.create("Csv");
        Vendors.Vendor other = Vendors.create("CsvOther");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csv"));
        Orders.Line a = order.line(vendor.name(), "CSV-A-" + order.id(), 3);
        Orders.Line b = order.line(vendor.name(), "CSV-B-" + order.id(), 2);
        Orders.Line theirs = order.line(other.name(), "CSV-W-" + order.id(), 1);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();

        String csv = HEADER
                + o + "," + a.id() + ",,1,T1-" + o + ",yamato,\n"                        // 2 accepted, shipment 1
                + o + ",," + b.sku() + ",2,T1-" + o + ",yamato,\n"                        // 3 accepted by SKU, shipment 1
                + "#NO-SUCH-ORDER," + a.id() + ",,1,T2-" + o + ",,\n"                      // 4 unknown order
                + o + ",,NO-SUCH-SKU,1,T1-" + o + ",yamato,\n"                            // 5 unknown SKU, in shipment 1's group
                + o + "," + a.id() + ",,abc,T3-" + o + ",,\n"                             // 6 bad quantity
                + o + "," + a.id() + ",,5,T4-" + o + ",,\n"                               // 7 more than the 2 left
                + o + "," + theirs.id() + ",,1,T5-" + o + ",,\n"                          // 8 another vendor's line
                + o + "," + a.gid() + ",,2,\"T6-" + o + ", box 2\",\"Sagawa, Kyoto\",\"https://t.example/?a=1,2\"\n"; // 9

        JsonPath report = importCsv(vendor.key(), csv).then().statusCode(200)
                .body("rows", equalTo(8))
                .body("accepted", equalTo(3))
                .body("rejected", equalTo(5))
                .body("shipmentsCreated", equalTo(2))
                .body("results.row", contains(2, 3, 4, 5, 6, 7, 8, 9))
                .body("results.status", contains("accepted", "accepted", "rejected", "rejected",
                        "rejected", "rejected", "rejected", "accepted"))
                .body("results[2].reason", containsString("not found"))
                .body("results[3].reason", containsString("NO-SUCH-SKU"))
                .body("results[4].reason", containsString("abc"))
                .body("results[5].reason", containsString("only 2"))
                .body("results[6].reason", containsString("another vendor"))
                .body("results.findAll { it.status == 'rejected' }.shipmentId", everyItem(nullValue()))
                .extract().jsonPath();

        long grouped = report.getLong("results[0].shipmentId");
        assertThat(report.getLong("results[1].shipmentId")).isEqualTo(grouped);
        long quoted = report.getLong("results[7].shipmentId");
        assertThat(quoted).isNotEqualTo(grouped);
        Api.as(vendor.key()).get("/shipments/" + grouped).then().statusCode(200)
                .body("trackingNumber", equalTo("T1-" + o))
                .body("lines", hasSize(2))
                .body("lines.sku", containsInAnyOrder(a.sku(), b.sku()))
                .body("lines.find { it.sku == '" + a.sku() + "' }.quantity", equalTo(1))
                .body("lines.find { it.sku == '" + b.sku() + "' }.quantity", equalTo(2));
        Api.as(vendor.key()).get("/shipments/" + quoted).then().statusCode(200)
                .body("trackingNumber", equalTo("T6-" + o + ", box 2"))
                .body("carrier", equalTo("Sagawa, Kyoto"))
                .body("trackingUrl", equalTo("https://t.example/?a=1,2"))
                .body("lines[0].quantity", equalTo(2));
        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(2));
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines.find { it.sku == '" + a.sku() + "' }.remainingToShip", equalTo(0))
                .body("lines.find { it.sku == '" + b.sku() + "' }.remainingToShip", equalTo(0))
                .body("lines.find { it.sku == '" + theirs.sku() + "' }.remainingToShip", equalTo(1));
    }

    @Test
    void shouldRejectAFileWithoutARequiredColumnAndRegisterNothing() {
        Vendors.Vendor vendor = Vendors.create("CsvHeader");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvheader"));
        Orders.Line line = order.line(vendor.name(), "HDR-1", 1);
        Orders.Imported imported = order.createAndAwait();

        importCsv(vendor.key(), "order,line_item_id,quantity,carrier\n" + order.name() + "," + line.id() + ",1,yamato\n")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("tracking_number"));
        importCsv(vendor.key(), "").then().statusCode(400).contentType("application/problem+json");

        asAdmin().get("/shipments?orderId=" + imported.id()).then().statusCode(200).body("items", hasSize(0));
    }

    /** Many small parcels: 2,000 rows, each its own shipment, over 40 orders. */
    @Test
    void shouldImportThousandsOfSeparateShipments() {
        Vendors.Vendor vendor = Vendors.create("CsvParcels");
        String shop = SignedWebhooks.registerShop("csvparcels");
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 40; i++) {
            Orders.Order order = Orders.order(shop);
            for (int l = 0; l < 5; l++) {
                order.line(vendor.name(), "PARCEL-" + order.id() + "-" + l, 10);
            }
            order.createAndAwait();
            for (Orders.Line line : order.lines()) {
                for (int unit = 0; unit < 10; unit++) {
                    csv.append(order.name()).append(',').append(line.id()).append(",,1,P-").append(line.id()).append('-')
                            .append(unit).append(",sagawa,\n");
                }
            }
        }

        long started = System.nanoTime();
        Response response = importCsv(vendor.key(), csv.toString());
        Log.infof("CSV import of 2,000 rows (2,000 shipments) took %d ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        response.then().statusCode(200)
                .body("rows", equalTo(2_000))
                .body("accepted", equalTo(2_000))
                .body("shipmentsCreated", equalTo(2_000));
    }

    /**
     * A big file as a vendor's warehouse system would upload it: one row per unit. 10 orders of 10
     * lines × 100 units, 10 parcels per order, so 10,000 rows make 100 shipments of 10 lines each.
     */
    @Test
    void shouldImportTenThousandRows() {
        Vendors.Vendor vendor = Vendors.create("CsvBulk");
        String shop = SignedWebhooks.registerShop("csvbulk");
        List<Orders.Order> orders = new ArrayList<>();
        List<Orders.Imported> imported = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Orders.Order order = Orders.order(shop);
            for (int l = 0; l < 10; l++) {
                order.line(vendor.name(), "BULK-" + order.id() + "-" + l, 100);
            }
            orders.add(order);
            imported.add(order.createAndAwait());
        }
        StringBuilder csv = new StringBuilder(HEADER);
        for (Orders.Order order : orders) {
            for (int parcel = 0; parcel < 10; parcel++) {
                for (Orders.Line line : order.lines()) {
                    for (int unit = 0; unit < 10; unit++) {
                        csv.append(order.name()).append(',').append(line.id()).append(",,1,PARCEL-").append(order.id())
                                .append('-').append(parcel).append(",yamato,\n");
                    }
                }
            }
        }

        long started = System.nanoTime();
        Response response = importCsv(vendor.key(), csv.toString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Log.infof("CSV import of 10,000 rows (100 shipments) took %d ms", millis);

        JsonPath report = response.then().statusCode(200)
                .body("rows", equalTo(10_000))
                .body("accepted", equalTo(10_000))
                .body("rejected", equalTo(0))
                .body("shipmentsCreated", equalTo(100))
                .body("results", hasSize(10_000))
                .extract().jsonPath();
        Set<Long> shipments = new HashSet<>(report.getList("results.shipmentId", Long.class));
        assertThat(shipments).hasSize(100);
        for (Orders.Imported order : imported) {
            asAdmin().get("/orders/" + order.id()).then().statusCode(200)
                    .body("lines", hasSize(10))
                    .body("lines.remainingToShip", everyItem(equalTo(0)));
        }
        asAdmin().get("/shipments/" + shipments.iterator().next()).then().statusCode(200)
                .body("lines", hasSize(10))
                .body("lines.quantity", everyItem(equalTo(10)));
    }

    private static Response importCsv(String key, String csv) {
        return Api.as(key).contentType("text/csv; charset=UTF-8").body(csv).post("/shipments/import");
    }
}

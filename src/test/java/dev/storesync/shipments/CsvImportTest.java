package dev.storesync.shipments;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimOrder;
import dev.storesync.testing.Api;
import dev.storesync.testing.ConnectedShop;
import dev.storesync.testing.Orders;
import dev.storesync.testing.SignedWebhooks;
import dev.storesync.testing.Vendors;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CSV batch registration: a per-row report, one shipment per order and tracking number. */
@QuarkusTest
class CsvImportTest {

    private static final String HEADER = "order,line_item_id,sku,quantity,tracking_number,carrier,tracking_url\n";

    @InjectShopifySimulator
    ShopifySimulator sim;

    @Inject
    AgroalDataSource dataSource;

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
                .body("results[6].reason", equalTo("line item " + theirs.id() + " is not one of your lines in order " + o))
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

    @Test
    void shouldNotRegisterAnythingTwiceWhenTheSameFileIsUploadedAgainWithoutAKey() {
        Vendors.Vendor vendor = Vendors.create("CsvAgain");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvagain"));
        Orders.Line a = order.line(vendor.name(), "AGAIN-A-" + order.id(), 3);
        Orders.Line b = order.line(vendor.name(), "AGAIN-B-" + order.id(), 2);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();
        String csv = HEADER
                + o + "," + a.id() + ",,1,T1-" + o + ",yamato,\n"
                + o + "," + b.id() + ",,5,T1-" + o + ",yamato,\n"     // more than the 2 ordered: left out of T1
                + o + "," + a.id() + ",,1,T2-" + o + ",yamato,\n";

        JsonPath first = importCsv(vendor.key(), csv).then().statusCode(200)
                .body("results.status", contains("accepted", "rejected", "accepted"))
                .body("shipmentsCreated", equalTo(2)).extract().jsonPath();
        JsonPath again = importCsv(vendor.key(), csv).then().statusCode(200)
                .body("results.status", contains("accepted", "rejected", "accepted"))
                .body("shipmentsCreated", equalTo(0)).extract().jsonPath();

        assertThat(again.getLong("importId")).isNotEqualTo(first.getLong("importId"));
        assertThat(again.getList("results.shipmentId")).isEqualTo(first.getList("results.shipmentId"));
        assertThat(shipmentsOf(imported.id())).isEqualTo(2);
        asAdmin().get("/orders/" + imported.id()).then().statusCode(200)
                .body("lines.find { it.sku == '" + a.sku() + "' }.remainingToShip", equalTo(1))
                .body("lines.find { it.sku == '" + b.sku() + "' }.remainingToShip", equalTo(2));
    }

    @Test
    void shouldReplayTheFirstReportForARepeatedIdempotencyKeyAndRefuseItForAnotherFile() {
        Vendors.Vendor vendor = Vendors.create("CsvKey");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvkey"));
        Orders.Line a = order.line(vendor.name(), "KEY-A-" + order.id(), 3);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();
        String csv = HEADER + o + "," + a.id() + ",,1,K1-" + o + ",yamato,\n";
        String key = "upload-" + UUID.randomUUID();

        Response firstResponse = importCsv(vendor.key(), csv, key);
        firstResponse.then().statusCode(200).header("Idempotent-Replayed", "false").body("shipmentsCreated", equalTo(1));
        Response replay = importCsv(vendor.key(), csv, key);
        replay.then().statusCode(200).header("Idempotent-Replayed", "true");
        assertThat(replay.jsonPath().getMap("$")).isEqualTo(firstResponse.jsonPath().getMap("$"));

        importCsv(vendor.key(), csv.replace("K1-", "K2-"), key).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", endsWith("/idempotency-key-reused"));
        assertThat(shipmentsOf(imported.id())).isEqualTo(1);
    }

    @Test
    void shouldRejectAFileWithAnUnterminatedQuoteNamingTheLine() {
        Vendors.Vendor vendor = Vendors.create("CsvQuote");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvquote"));
        Orders.Line a = order.line(vendor.name(), "QUOTE-A-" + order.id(), 5);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();
        String csv = HEADER
                + o + "," + a.id() + ",,1,Q1-" + o + ",yamato,\n"
                + o + "," + a.id() + ",,1,\"Q2-" + o + ",yamato,\n"         // line 3: the quote never closes
                + o + "," + a.id() + ",,1,Q3-" + o + ",yamato,\n";

        importCsv(vendor.key(), csv).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("Line 3"))
                .body("detail", containsString("closing quote"));
        assertThat(shipmentsOf(imported.id())).isZero();
    }

    @Test
    void shouldRejectAFileThatIsNotUtf8NamingWhere() {
        Vendors.Vendor vendor = Vendors.create("CsvEncoding");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvencoding"));
        Orders.Line a = order.line(vendor.name(), "ENC-A-" + order.id(), 5);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();
        String good = HEADER + o + "," + a.id() + ",,1,E1-" + o + ",yamato,\n";
        String prefix = good + o + "," + a.id() + ",,1,E2-" + o + ",";

        importBytes(vendor.key(), (prefix + "Café Express,\n").getBytes(StandardCharsets.ISO_8859_1))
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not UTF-8"))
                .body("detail", containsString("byte offset " + (prefix.length() + "Caf".length()) + " (line 3)"));
        importBytes(vendor.key(), (prefix + "ヤマト運輸,\n").getBytes(Charset.forName("Shift_JIS")))
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not UTF-8"))
                .body("detail", containsString("(line 3)"));
        assertThat(shipmentsOf(imported.id())).isZero();
    }

    @Test
    void shouldRejectARowWithANulCharacterNamingTheColumn() {
        Vendors.Vendor vendor = Vendors.create("CsvNul");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvnul"));
        Orders.Line a = order.line(vendor.name(), "NUL-A-" + order.id(), 5);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();
        String csv = HEADER
                + o + "," + a.id() + ",,1,N1\u0000-" + o + ",yamato,\n"
                + o + "," + a.id() + ",,1,N2-" + o + ",yama\u0000to,\n"
                + o + "," + a.id() + ",,1,N3-" + o + ",yamato,\n";

        importCsv(vendor.key(), csv).then().statusCode(200)
                .body("results.status", contains("rejected", "rejected", "accepted"))
                .body("results[0].reason", containsString("tracking_number"))
                .body("results[0].reason", containsString("NUL"))
                .body("results[1].reason", containsString("carrier"));
        assertThat(shipmentsOf(imported.id())).isEqualTo(1);
    }

    @Test
    void shouldRejectCellsOverTheRegistrationLimits() {
        Vendors.Vendor vendor = Vendors.create("CsvLimits");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvlimits"));
        Orders.Line a = order.line(vendor.name(), "LIM-A-" + order.id(), 5);
        Orders.Imported imported = order.createAndAwait();
        String o = order.name();
        String csv = HEADER
                + o + "," + a.id() + ",,1,L-" + "9".repeat(101) + ",yamato,\n"
                + o + "," + a.id() + ",,1,L2-" + o + "," + "c".repeat(101) + ",\n"
                + o + "," + a.id() + ",,1,L3-" + o + ",yamato,https://t.example/" + "u".repeat(2000) + "\n"
                + o + "," + a.id() + ",,1,L4-" + o + ",yamato,\n";

        importCsv(vendor.key(), csv).then().statusCode(200)
                .body("results.status", contains("rejected", "rejected", "rejected", "accepted"))
                .body("results[0].reason", containsString("tracking_number"))
                .body("results[1].reason", containsString("carrier"))
                .body("results[2].reason", containsString("tracking_url"));
        assertThat(shipmentsOf(imported.id())).isEqualTo(1);
    }

    @Test
    void shouldRejectAShipmentOfMoreThan250Lines() {
        Vendors.Vendor vendor = Vendors.create("CsvWide");
        Orders.Order order = Orders.order(SignedWebhooks.registerShop("csvwide"));
        for (int l = 0; l < 251; l++) {
            order.line(vendor.name(), "WIDE-" + order.id() + "-" + l, 1);
        }
        Orders.Imported imported = order.createAndAwait();
        StringBuilder csv = new StringBuilder(HEADER);
        order.lines().forEach(line -> csv.append(order.name()).append(',').append(line.id()).append(",,1,W-")
                .append(order.id()).append(",yamato,\n"));

        importCsv(vendor.key(), csv.toString()).then().statusCode(200)
                .body("rejected", equalTo(251))
                .body("shipmentsCreated", equalTo(0))
                .body("results[0].reason", containsString("at most 250 lines"));
        assertThat(shipmentsOf(imported.id())).isZero();
    }

    /** A registration that fails for a reason that is no rule (here the database refuses it) rejects only its rows. */
    @Test
    void shouldAnswerTheReportWhenOneShipmentFailsUnexpectedly() throws SQLException {
        Vendors.Vendor vendor = Vendors.create("CsvBoom");
        String shop = SignedWebhooks.registerShop("csvboom");
        Orders.Order good = Orders.order(shop);
        Orders.Line g = good.line(vendor.name(), "BOOM-G-" + good.id(), 2);
        Orders.Imported goodImported = good.createAndAwait();
        Orders.Order bad = Orders.order(shop);
        Orders.Line b = bad.line(vendor.name(), "BOOM-B-" + bad.id(), 2);
        Orders.Imported badImported = bad.createAndAwait();
        String failing = "BOOM-" + UUID.randomUUID();
        String csv = HEADER
                + good.name() + "," + g.id() + ",,1,G1-" + good.name() + ",yamato,\n"
                + bad.name() + "," + b.id() + ",,1," + failing + ",yamato,\n"
                + good.name() + "," + g.id() + ",,1,G2-" + good.name() + ",yamato,\n";
        String trigger = "csv_test_boom_" + UUID.randomUUID().toString().replace("-", "");
        sql("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.tracking_number = '" + failing + "' THEN RAISE EXCEPTION 'refused for the test'; END IF; "
                + "RETURN NEW; END $$");
        try {
            sql("CREATE TRIGGER " + trigger + " BEFORE INSERT ON shipments FOR EACH ROW EXECUTE FUNCTION " + trigger + "()");

            importCsv(vendor.key(), csv).then().statusCode(200)
                    .body("results.status", contains("accepted", "rejected", "accepted"))
                    .body("results[1].reason", containsString("incident"))
                    .body("shipmentsCreated", equalTo(2));
        } finally {
            sql("DROP TRIGGER IF EXISTS " + trigger + " ON shipments");
            sql("DROP FUNCTION IF EXISTS " + trigger + "()");
        }
        assertThat(shipmentsOf(goodImported.id())).isEqualTo(2);
        assertThat(shipmentsOf(badImported.id())).isZero();
    }

    @Test
    void shouldShowAnImportAndRetryItsFailedShipments() {
        ConnectedShop store = ConnectedShop.connect(sim, "csvretry");
        Vendors.Vendor vendor = Vendors.create("CsvRetry");
        Vendors.Vendor other = Vendors.create("CsvRetryOther");
        SimOrder order = store.shop.order().line("RETRY-1", 2, vendor.name()).createRouted();
        long orderId = store.importOrder(order);
        sim.faults().next(1).shop(store.domain).operation("FulfillmentCreate").status(404);
        String csv = "shop,order,line_item_id,quantity,tracking_number,carrier\n"
                + store.domain + "," + order.name() + "," + order.lineItem("RETRY-1").id() + ",2,R-" + orderId + ",yamato\n";

        JsonPath report = importCsv(vendor.key(), csv).then().statusCode(200)
                .body("importId", notNullValue())
                .body("accepted", equalTo(1)).extract().jsonPath();
        long importId = report.getLong("importId");
        long shipmentId = report.getLong("results[0].shipmentId");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(Api.as(vendor.key()).get("/shipments/" + shipmentId).then().statusCode(200).extract()
                        .jsonPath().getString("syncStatus")).isEqualTo("failed"));

        Api.as(vendor.key()).get("/shipments/imports/" + importId).then().statusCode(200)
                .body("importId", equalTo((int) importId))
                .body("results[0].shipmentId", equalTo((int) shipmentId));
        Api.as(other.key()).get("/shipments/imports/" + importId).then().statusCode(404);
        Api.as(vendor.key()).post("/shipments/imports/" + importId + "/retry-failed").then().statusCode(403);
        asAdmin().post("/shipments/imports/" + Long.MAX_VALUE + "/retry-failed").then().statusCode(404);

        asAdmin().post("/shipments/imports/" + importId + "/retry-failed").then().statusCode(200)
                .body("shipmentsRequeued", equalTo(1));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(Api.as(vendor.key()).get("/shipments/" + shipmentId).then().statusCode(200).extract()
                        .jsonPath().getString("syncStatus")).isEqualTo("synced"));
        assertThat(store.shop.fulfillments(order.id())).hasSize(1);
        asAdmin().post("/shipments/imports/" + importId + "/retry-failed").then().statusCode(200)
                .body("shipmentsRequeued", equalTo(0));
    }

    private static Response importCsv(String key, String csv) {
        return Api.as(key).contentType("text/csv; charset=UTF-8").body(csv).post("/shipments/import");
    }

    private static Response importCsv(String key, String csv, String idempotencyKey) {
        return Api.as(key).contentType("text/csv; charset=UTF-8").header("Idempotency-Key", idempotencyKey).body(csv)
                .post("/shipments/import");
    }

    private static Response importBytes(String key, byte[] csv) {
        return Api.as(key).contentType("text/csv").body(csv).post("/shipments/import");
    }

    private static int shipmentsOf(long orderId) {
        return asAdmin().get("/shipments?orderId=" + orderId).then().statusCode(200).extract().jsonPath()
                .getList("items").size();
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}

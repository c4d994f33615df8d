package dev.storesync.inventory;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.shopify.sim.SimInventoryItem;
import dev.storesync.shopify.sim.SimShop;
import dev.storesync.testing.InventoryFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CSV import of mappings by SKU and the mapping suggestions, against the simulator. */
@QuarkusTest
class InventoryMappingsTest {

    @InjectShopifySimulator
    ShopifySimulator sim;

    private InventoryFixtures fixtures;
    private InventoryFixtures.Partner partner;
    private SimShop ownerShop;
    private SimShop partnerShop;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void setUp() {
        fixtures = InventoryFixtures.freshOwner(sim);
        partner = fixtures.partner("catalog");
        ownerShop = fixtures.owner.shop;
        partnerShop = partner.shop.shop;
    }

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    private JsonPath importCsv(String csv) {
        return asAdmin().contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/admin/inventory/mappings/import?partner=" + partner.id).then().statusCode(200).extract()
                .jsonPath();
    }

    private List<Map<String, Object>> mappings() {
        return asAdmin().get("/admin/inventory/mappings?partner=" + partner.id).then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    @Test
    void shouldImportMappingsBySkuWithAReportPerRow() {
        SimInventoryItem mug = partnerShop.addInventoryItem("MUG-1");
        partnerShop.addInventoryItem("TEE-1");
        SimInventoryItem ownerMug = ownerShop.addInventoryItem("O-MUG-1");
        ownerShop.addInventoryItem("O-TEE");
        ownerShop.addInventoryItem("O-TEE");

        JsonPath report = importCsv("""
                partner_sku,owner_sku,note
                MUG-1,O-MUG-1,first
                MUG-1,O-MUG-1,again
                NOPE-9,O-MUG-1,
                TEE-1,O-TEE,
                ,O-MUG-1,
                TEE-1,O-NONE,
                """);

        assertThat(report.getInt("rows")).isEqualTo(6);
        assertThat(report.getList("results.result")).containsExactly("created", "duplicate", "not_found", "ambiguous",
                "invalid", "not_found");
        assertThat(report.getList("results.row")).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(report.getString("results[2].detail")).contains("no partner variant has SKU NOPE-9");
        assertThat(report.getString("results[3].detail")).contains("2 owner variants have SKU O-TEE");
        assertThat(report.getString("results[5].detail")).contains("no owner variant has SKU O-NONE");
        assertThat(report.getInt("created")).isEqualTo(1);
        assertThat(report.getInt("duplicate")).isEqualTo(1);
        assertThat(report.getInt("notFound")).isEqualTo(2);
        assertThat(report.getInt("ambiguous")).isEqualTo(1);
        assertThat(report.getInt("invalid")).isEqualTo(1);

        List<Map<String, Object>> stored = mappings();
        assertThat(stored).singleElement().satisfies(m -> assertThat(m)
                .containsEntry("id", report.getInt("results[0].mappingId"))
                .containsEntry("partnerVariantGid", mug.variant().id())
                .containsEntry("partnerInventoryItemGid", mug.id())
                .containsEntry("ownerVariantGid", ownerMug.variant().id())
                .containsEntry("ownerInventoryItemGid", ownerMug.id()).containsEntry("sku", "MUG-1"));
        assertThat(sim.operations(partnerShop.domain(), "InventoryVariantsBySku")).as("one look-up per SKU").hasSize(3);
    }

    @Test
    void shouldRefuseAFileItCannotReadAndImportNothing() {
        partnerShop.addInventoryItem("MUG-1");
        ownerShop.addInventoryItem("O-MUG-1");

        asAdmin().contentType("text/csv").body("partner_sku,owner\nMUG-1,O-MUG-1\n".getBytes(StandardCharsets.UTF_8))
                .post("/admin/inventory/mappings/import?partner=" + partner.id).then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", hasItem("owner_sku"));
        asAdmin().contentType("text/csv").body(new byte[] {'p', ',', 'o', '\n', (byte) 0xC3, '(', '\n'})
                .post("/admin/inventory/mappings/import?partner=" + partner.id).then().statusCode(400)
                .body("title", equalTo("CSV file is not UTF-8"));
        asAdmin().contentType("text/csv").body("partner_sku,owner_sku\n".getBytes(StandardCharsets.UTF_8))
                .post("/admin/inventory/mappings/import").then().statusCode(422).body("errors.field", hasItem("partner"));
        asAdmin().contentType("text/csv").body("partner_sku,owner_sku\n".getBytes(StandardCharsets.UTF_8))
                .post("/admin/inventory/mappings/import?partner=999999999").then().statusCode(404);
        assertThat(mappings()).isEmpty();
    }

    @Test
    void shouldReportRowsShopifyCouldNotAnswerAndCreateThemOnceWhenTheFileIsSentAgain() {
        partnerShop.addInventoryItem("MUG-1");
        partnerShop.addInventoryItem("CAP-1");
        ownerShop.addInventoryItem("O-MUG-1");
        ownerShop.addInventoryItem("O-CAP-1");
        String csv = "partner_sku,owner_sku\nMUG-1,O-MUG-1\nCAP-1,O-CAP-1\n";
        sim.faults().always().shop(ownerShop.domain()).operation("InventoryVariantsBySku").status(404);

        JsonPath failed = importCsv(csv);

        assertThat(failed.getList("results.result")).containsExactly("failed", "failed");
        assertThat(failed.getString("results[0].detail")).contains("could not be looked up");
        assertThat(mappings()).isEmpty();

        sim.faults().clear();
        JsonPath again = importCsv(csv);
        assertThat(again.getList("results.result")).containsExactly("created", "created");
        assertThat(importCsv(csv).getList("results.result")).containsExactly("duplicate", "duplicate");
        assertThat(mappings()).hasSize(2);
    }

    @Test
    void shouldSuggestMappingsByEqualSkuOrBarcodeWithoutStoringThem() {
        SimInventoryItem mug = partnerShop.addInventoryItem("MUG-1");
        SimInventoryItem byBarcode = partnerShop.addInventoryItem("PARTNER-X").barcode("4900000000017");
        partnerShop.addInventoryItem("TEE-1");
        SimInventoryItem already = partnerShop.addInventoryItem("DONE-1");
        partnerShop.addInventoryItem("LONELY-1");
        SimInventoryItem ownerMug = ownerShop.addInventoryItem("MUG-1");
        SimInventoryItem ownerX = ownerShop.addInventoryItem("OWNER-X").barcode("4900000000017");
        ownerShop.addInventoryItem("TEE-1");
        ownerShop.addInventoryItem("TEE-1");
        SimInventoryItem ownerDone = ownerShop.addInventoryItem("DONE-1");
        Map<String, Object> existing = new HashMap<>(Map.of("partnerId", partner.id,
                "partnerVariantGid", already.variant().id(), "partnerInventoryItemGid", already.id(),
                "ownerVariantGid", ownerDone.variant().id(), "ownerInventoryItemGid", ownerDone.id()));
        asAdmin().body(existing).post("/admin/inventory/mappings").then().statusCode(201);

        JsonPath found = asAdmin().get("/admin/inventory/mappings/suggestions?partner=" + partner.id).then()
                .statusCode(200).extract().jsonPath();

        assertThat(found.getList("suggestions.partnerVariantGid")).containsExactly(mug.variant().id(),
                byBarcode.variant().id());
        assertThat(found.getList("suggestions.matchedBy")).containsExactly("sku", "barcode");
        assertThat(found.getList("suggestions.ownerInventoryItemGid")).containsExactly(ownerMug.id(), ownerX.id());
        assertThat(found.getList("ambiguous.sku")).containsExactly("TEE-1");
        assertThat(found.getList("ambiguous[0].candidates")).hasSize(2);
        assertThat(found.getBoolean("truncated")).isFalse();
        assertThat(mappings()).as("nothing is stored until posted").hasSize(1);

        Map<String, Object> accepted = new HashMap<>(found.getMap("suggestions[0]"));
        accepted.keySet().retainAll(List.of("partnerId", "partnerVariantGid", "partnerInventoryItemGid", "sku",
                "ownerVariantGid", "ownerInventoryItemGid"));
        asAdmin().body(accepted).post("/admin/inventory/mappings").then().statusCode(201);
        asAdmin().get("/admin/inventory/mappings/suggestions?partner=" + partner.id).then().statusCode(200)
                .body("suggestions.partnerVariantGid", equalTo(List.of(byBarcode.variant().id())));
        asAdmin().get("/admin/inventory/mappings/suggestions").then().statusCode(422)
                .body("errors.field", hasItem("partner"));
    }
}

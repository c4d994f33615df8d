package dev.storesync.shops;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.storesync.testing.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ShopRegistrationTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TokenCipher cipher;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldStoreTokenEncryptedAndNeverShowIt() throws Exception {
        String token = "shpat_" + UUID.randomUUID().toString().replace("-", "");
        String domain = Api.uniqueShopDomain("Secret-Store").toUpperCase();

        String location = asAdmin()
                .body(Map.of("domain", domain, "accessToken", token, "scopes", "read_orders,write_fulfillments"))
                .post("/admin/shops").then()
                .statusCode(201)
                .body("domain", equalTo(domain.toLowerCase()))
                .body("state", equalTo("active"))
                .body("hasAccessToken", equalTo(true))
                .body("apiVersion", equalTo("2026-10"))
                .body("scopes", hasItem("write_fulfillments"))
                .body(not(containsString(token)))
                .extract().header("Location");
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));

        asAdmin().get("/admin/shops/" + id).then().statusCode(200).body(not(containsString(token)));
        asAdmin().get("/admin/shops").then().statusCode(200).body(not(containsString(token)));

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT access_token, access_token_key_id, domain FROM shops WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                byte[] stored = rs.getBytes(1);
                assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(token);
                assertThat(rs.getString(2)).isEqualTo("t1");
                assertThat(cipher.open(rs.getString(3), TokenCipher.Purpose.ACCESS, stored, "t1"))
                        .isEqualTo(token);
            }
        }

        assertThat(Files.readString(Path.of("target/storesync-test.log"))).contains(domain.toLowerCase())
                .doesNotContain(token);
    }

    @Test
    void shouldNotDecryptCiphertextMovedToAnotherShop() {
        TokenCipher.Sealed sealed = cipher.seal("a.myshopify.com", TokenCipher.Purpose.ACCESS, "shpat_abc");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cipher.open("b.myshopify.com",
                TokenCipher.Purpose.ACCESS, sealed.ciphertext(), sealed.keyId())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectForeignDomainsAndDuplicates() {
        for (String bad : new String[] { "evil.com", "shop.myshopify.com.evil.com", "-x.myshopify.com", "shop.shopify.com" }) {
            asAdmin().body(Map.of("domain", bad, "accessToken", "t")).post("/admin/shops").then()
                    .statusCode(422).body("errors[0].field", equalTo("domain"));
        }
        String domain = Api.uniqueShopDomain("dup");
        asAdmin().body(Map.of("domain", domain, "accessToken", "t")).post("/admin/shops").then().statusCode(201);
        asAdmin().body(Map.of("domain", domain, "accessToken", "t2")).post("/admin/shops").then()
                .statusCode(409).contentType("application/problem+json");
    }

    @Test
    void shouldPauseWithReasonAndResume() {
        long id = asAdmin().body(Map.of("domain", Api.uniqueShopDomain("pause"), "accessToken", "t"))
                .post("/admin/shops").then().statusCode(201).extract().jsonPath().getLong("id");

        asAdmin().body(Map.of("reason", "")).post("/admin/shops/" + id + "/pause").then().statusCode(422);
        asAdmin().body(Map.of("reason", "Holiday freeze")).post("/admin/shops/" + id + "/pause").then()
                .statusCode(200).body("state", equalTo("paused")).body("pausedReason", equalTo("Holiday freeze"));
        asAdmin().get("/admin/shops?state=paused").then().statusCode(200).body("id", hasItem((int) id));
        asAdmin().get("/admin/shops?state=sleeping").then().statusCode(422);

        asAdmin().post("/admin/shops/" + id + "/resume").then()
                .statusCode(200).body("state", equalTo("active")).body("pausedReason", nullValue());
    }

    @Test
    void shouldReencryptTokensSealedWithAnOlderKey() throws Exception {
        String token = "shpat_rotate_" + UUID.randomUUID();
        String domain = Api.uniqueShopDomain("rotate");
        long id = asAdmin().body(Map.of("domain", domain, "accessToken", "placeholder")).post("/admin/shops")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        TokenCipher oldCipher = new TokenCipher(TestCrypto.config(
                "old:b2xkLXRlc3Qta2V5LW9ubHktZm9yLXJvdGF0aW9uISE=", "old"));
        TokenCipher.Sealed sealed = oldCipher.seal(domain, TokenCipher.Purpose.ACCESS, token);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE shops SET access_token = ?, access_token_key_id = 'old' WHERE id = ?")) {
            ps.setBytes(1, sealed.ciphertext());
            ps.setLong(2, id);
            ps.executeUpdate();
        }

        asAdmin().post("/admin/shops/reencrypt-tokens").then().statusCode(200).body("activeKeyId", equalTo("t1"));

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT access_token, access_token_key_id FROM shops WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("t1");
                assertThat(cipher.open(domain, TokenCipher.Purpose.ACCESS, rs.getBytes(1), "t1")).isEqualTo(token);
            }
        }
    }

    @Test
    void shouldHaveAppliedMigrationsToTheEmptyDatabase() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM flyway_schema_history WHERE success AND version = '1'");
                ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}

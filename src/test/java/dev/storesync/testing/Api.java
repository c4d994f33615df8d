package dev.storesync.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;

/** Request helpers shared by the HTTP tests: who is calling, and common fixtures. */
public final class Api {

    /** The bootstrap admin key of the test profile. */
    public static final String ADMIN_KEY = "test-admin-key";

    private Api() {
    }

    public static RequestSpecification as(String apiKey) {
        return given().header("Authorization", "Bearer " + apiKey).contentType(ContentType.JSON);
    }

    public static RequestSpecification asAdmin() {
        return as(ADMIN_KEY);
    }

    /** Creates a key with the given role (and vendor, for vendor keys) and returns the plain key. */
    public static String newKey(String role, Long vendorId) {
        Map<String, Object> body = vendorId == null
                ? Map.of("name", role + " key " + UUID.randomUUID(), "role", role)
                : Map.of("name", role + " key " + UUID.randomUUID(), "role", role, "vendorId", vendorId);
        return asAdmin().body(body).post("/admin/api-keys").then().statusCode(201).extract().path("apiKey");
    }

    public static long newVendor(String name) {
        return asAdmin().body(Map.of("name", name + " " + UUID.randomUUID())).post("/admin/vendors")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** A unique, valid shop domain for a test. */
    public static String uniqueShopDomain(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + ".myshopify.com";
    }
}

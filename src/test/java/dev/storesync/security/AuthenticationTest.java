package dev.storesync.security;

import static dev.storesync.testing.Api.as;
import static dev.storesync.testing.Api.asAdmin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.storesync.testing.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuthenticationTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldRejectRequestWithoutKey() {
        given().get("/admin/shops").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("title", equalTo("Unauthorized"))
                .body("type", notNullValue());
    }

    @Test
    void shouldRejectUnknownKey() {
        as("ssk_not-a-real-key").get("/admin/shops").then()
                .statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
    }

    @Test
    void shouldRejectMalformedAuthorizationHeader() {
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/admin/shops").then().statusCode(401);
        given().header("Authorization", "Bearer ").get("/admin/shops").then().statusCode(401);
    }

    @Test
    void shouldRejectRevokedKey() {
        String key = Api.newKey(Roles.OPERATOR, null);
        as(key).get("/admin/vendors").then().statusCode(200);

        long id = asAdmin().get("/admin/api-keys").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.prefix == '" + key.substring(0, 10) + "' }.id");
        asAdmin().delete("/admin/api-keys/" + id).then().statusCode(200).body("revokedAt", notNullValue());
        asAdmin().delete("/admin/api-keys/" + id).then().statusCode(200);

        as(key).get("/admin/vendors").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void shouldForbidKeyOfWrongRole() {
        String operator = Api.newKey(Roles.OPERATOR, null);
        as(operator).body(Map.of("domain", "x.myshopify.com", "accessToken", "t"))
                .post("/admin/shops").then()
                .statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
        as(operator).get("/admin/api-keys").then().statusCode(403);

        String vendor = Api.newKey(Roles.VENDOR, Api.newVendor("Acme"));
        as(vendor).get("/admin/vendors").then().statusCode(403).contentType("application/problem+json");
        as(vendor).get("/admin/shops").then().statusCode(403);
    }

    @Test
    void shouldShowKeyOnlyOnceAtCreation() {
        String created = asAdmin().body(Map.of("name", "dashboard", "role", "operator"))
                .post("/admin/api-keys").then()
                .statusCode(201)
                .header("Location", containsString("/admin/api-keys/"))
                .body("apiKey", startsWith("ssk_"))
                .body("role", equalTo("operator"))
                .extract().path("apiKey");
        asAdmin().get("/admin/api-keys").then().statusCode(200)
                .body("", everyItem(not(hasKey("apiKey"))))
                .body("", everyItem(not(hasKey("keyHash"))))
                .body(not(containsString(created.substring(10))));
    }

    @Test
    void shouldRequireVendorForVendorKeys() {
        asAdmin().body(Map.of("name", "v", "role", "vendor")).post("/admin/api-keys").then()
                .statusCode(422).body("errors[0].field", equalTo("vendorId"));
        asAdmin().body(Map.of("name", "v", "role", "vendor", "vendorId", 999_999)).post("/admin/api-keys").then()
                .statusCode(422).body("errors[0].field", equalTo("vendorId"));
        asAdmin().body(Map.of("name", "v", "role", "root")).post("/admin/api-keys").then()
                .statusCode(422).body("errors[0].field", equalTo("role"));
    }

    @Test
    void shouldLeaveOperationalEndpointsOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/admin/shops"));
    }
}

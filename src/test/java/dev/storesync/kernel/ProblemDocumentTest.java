package dev.storesync.kernel;

import static dev.storesync.testing.Api.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProblemDocumentTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void shouldAnswerMalformedJsonWith400() {
        asAdmin().body("{\"domain\": ").post("/admin/shops").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", notNullValue())
                .body("detail", notNullValue())
                .body(not(containsString("Exception")))
                .body(not(containsString("at com.")));
    }

    @Test
    void shouldAnswerWrongTypeWith400NamingTheField() {
        asAdmin().body("{\"name\": \"k\", \"role\": \"vendor\", \"vendorId\": \"abc\"}").post("/admin/api-keys").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("vendorId"))
                .body(not(containsString("Exception")));
    }

    @Test
    void shouldAnswerUnknownRouteWith404() {
        asAdmin().get("/no/such/route").then()
                .statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void shouldAnswerUnknownResourceWith404() {
        asAdmin().get("/admin/shops/987654321").then()
                .statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("987654321"));
    }

    @Test
    void shouldAnswerWrongMethodWith405() {
        asAdmin().delete("/admin/shops").then()
                .statusCode(405).contentType("application/problem+json").body("status", equalTo(405));
    }

    @Test
    void shouldListThePathsMethodsInTheAllowHeaderOf405() {
        asAdmin().delete("/admin/shops").then()
                .statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS, POST"));
        asAdmin().put("/admin/shops/1/pause").then()
                .statusCode(405).header("Allow", equalTo("OPTIONS, POST"));
        asAdmin().post("/admin/webhooks/inbox/1").then()
                .statusCode(405).header("Allow", equalTo("GET, HEAD, OPTIONS"));
    }

    @Test
    void shouldRefuseNulInAJsonStringWith422NamingTheFieldAndStoreNothing() {
        String name = "NUL vendor " + java.util.UUID.randomUUID();
        asAdmin().body("{\"name\": \"" + name + "\\u0000x\"}").post("/admin/vendors").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors.field", contains("name"))
                .body("errors[0].message", containsString("NUL"))
                .body(not(containsString("Exception")));
        asAdmin().get("/admin/vendors").then().statusCode(200).body(not(containsString(name)));
    }

    @Test
    void shouldRefuseNulInAQueryParameterWith422NamingIt() {
        asAdmin().queryParam("name", "#10\u000001").get("/orders").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors.field", contains("name"))
                .body("errors[0].message", containsString("NUL"));
        asAdmin().urlEncodingEnabled(false).get("/orders?name=%00").then()
                .statusCode(422).body("errors.field", contains("name"));
    }

    @Test
    void shouldRefuseNulInAPathParameterWith422NamingIt() {
        asAdmin().urlEncodingEnabled(false).get("/admin/shops/%00").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors.field", contains("id"));
    }

    @Test
    void shouldAnswerInvalidFieldsWith422AndFieldErrors() {
        asAdmin().body(Map.of("apiVersion", "latest")).post("/admin/shops").then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("errors.field", hasItems("domain", "accessToken", "apiVersion"))
                .body("errors.find { it.field == 'apiVersion' }.message", equalTo("must look like 2026-10"));
    }

    @Test
    void shouldAnswerMissingBodyWith422() {
        asAdmin().post("/admin/vendors").then()
                .statusCode(422).contentType("application/problem+json");
    }
}

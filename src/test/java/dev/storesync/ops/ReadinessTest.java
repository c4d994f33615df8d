package dev.storesync.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.storesync.testing.DatabaseControl;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ReadinessTest {

    @Test
    void shouldBeNotReadyWhileDatabaseIsDownAndReadyWhenItReturns() {
        Assumptions.assumeTrue(DatabaseControl.available(), "needs the embedded test database to stop and start it");
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        DatabaseControl.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(503).body("status", equalTo("DOWN")));
            given().get("/q/health/live").then().statusCode(200);
        } finally {
            DatabaseControl.start();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200).body("status", equalTo("UP")));
    }
}

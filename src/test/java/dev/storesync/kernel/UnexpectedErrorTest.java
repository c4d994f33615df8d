package dev.storesync.kernel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An unexpected failure answers a problem+json 500 quoting an incident id, and the same id is in
 * the log next to the failure. Uses a test-only endpoint, so it has no integration-test twin.
 */
@QuarkusTest
class UnexpectedErrorTest {

    private static final Pattern INCIDENT = Pattern.compile("incident ([0-9a-f-]{36})");

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void captureLog() {
        Logger.getLogger(ProblemMappers.class.getName()).addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger(ProblemMappers.class.getName()).removeHandler(capture);
    }

    @Test
    void shouldAnswer500WithAnIncidentIdThatTheLogAlsoHas() {
        String detail = given().get("/test/unexpected-failure").then()
                .statusCode(500)
                .contentType("application/problem+json")
                .body("status", equalTo(500))
                .body("title", equalTo("Internal error"))
                .body(not(containsString("Exception")))
                .body(not(containsString(FailingResource.SECRET_DETAIL)))
                .extract().path("detail");
        Matcher incident = INCIDENT.matcher(detail);
        assertThat(incident.find()).as("incident id in %s", detail).isTrue();

        // The mapper logs before it answers, so the record is there once the answer is.
        assertThat(logged).anySatisfy(record -> {
            assertThat(String.valueOf(record.getMessage()) + " " + List.of(record.getParameters() == null
                    ? new Object[0] : record.getParameters())).contains(incident.group(1));
            assertThat(record.getThrown()).hasMessage(FailingResource.SECRET_DETAIL);
        });
    }
}

package dev.storesync.operations.alerts;

import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the alert stream by JSON polling (GET /sync/orders/alerts?since=), as a dashboard without SSE would. */
final class AlertEvents {

    static final Duration WITHIN = Duration.ofSeconds(20);

    private AlertEvents() {
    }

    /** Every event of the shop's orders since {@code since}, oldest first, following the pages. */
    static List<Map<String, Object>> ofShop(String shopDomain, long since) {
        List<Map<String, Object>> out = new ArrayList<>();
        long position = since;
        while (true) {
            JsonPath page = asAdmin().queryParam("since", position).queryParam("limit", 500).get("/sync/orders/alerts")
                    .then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> events = page.getList("events");
            events.stream().filter(e -> shopDomain.equals(((Map<?, ?>) e.get("alert")).get("shopDomain"))).forEach(out::add);
            position = page.getLong("lastEventId");
            if (!page.getBoolean("more")) {
                return out;
            }
        }
    }

    /** "alert_raised:tracking_pending:#1001"-style summaries of the shop's events, oldest first. */
    static List<String> summaries(String shopDomain, long since) {
        return ofShop(shopDomain, since).stream().map(e -> {
            Map<?, ?> alert = (Map<?, ?>) e.get("alert");
            return e.get("type") + ":" + alert.get("kind") + ":" + alert.get("orderName");
        }).toList();
    }

    static void awaitSummaries(String shopDomain, long since, List<String> expected) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(summaries(shopDomain, since)).isEqualTo(expected));
    }

    /** The newest event id now. */
    static long lastId() {
        long position = 0;
        while (true) {
            JsonPath page = asAdmin().queryParam("since", position).queryParam("limit", 500).get("/sync/orders/alerts")
                    .then().statusCode(200).extract().jsonPath();
            position = page.getLong("lastEventId");
            if (!page.getBoolean("more")) {
                return position;
            }
        }
    }
}

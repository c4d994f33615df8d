package dev.storesync.inventory;

import static dev.storesync.inventory.InventoryFixtures.awaitRun;
import static dev.storesync.inventory.InventoryFixtures.partnerRow;
import static dev.storesync.inventory.InventoryFixtures.syncNow;
import static dev.storesync.testing.Api.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storesync.shopify.sim.InjectShopifySimulator;
import dev.storesync.shopify.sim.ShopifySimulator;
import dev.storesync.testing.GreenMailResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Critical failures are mailed once while they last and their recovery once, delivered over SMTP
 * to an in-process GreenMail server. Mails of earlier tests' partners may arrive too, so each test
 * looks only at subjects naming its own partners.
 */
@QuarkusTest
@TestProfile(InventoryAlertMailTest.RealSmtp.class)
class InventoryAlertMailTest {

    /** Recipients and sender set, SMTP pointed at GreenMail; no cron secret, so the cron endpoint is off. */
    public static class RealSmtp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("storesync.inventory.alerts.email-to", "ops@example.com,owner@example.com",
                    "storesync.inventory.alerts.email-from", "storesync@example.com",
                    "storesync.inventory.cron-secret", "");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(GreenMailResource.class));
        }
    }

    /** Mails arrive within a few delivery passes (every second in the test profile). */
    private static final Duration QUIET = Duration.ofSeconds(3);

    @InjectShopifySimulator
    ShopifySimulator sim;

    private InventoryFixtures world;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void setUp() {
        world = InventoryFixtures.freshOwner(sim);
    }

    @AfterEach
    void clearFaults() {
        sim.faults().clear();
    }

    private static List<String> mailsAbout(InventoryFixtures.Partner partner) {
        return GreenMailResource.subjects(partner.name);
    }

    private static void assertMailsStay(InventoryFixtures.Partner partner, int count) {
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> mailsAbout(partner).size() == count);
    }

    private static JsonPath alert(InventoryFixtures.Partner partner, String condition) {
        List<Map<String, Object>> alerts = asAdmin().get("/admin/inventory/alerts").then().statusCode(200).extract()
                .jsonPath().getList("$");
        Map<String, Object> found = alerts.stream().filter(a -> ((Number) a.get("partnerId")).longValue() == partner.id
                && condition.equals(a.get("condition"))).findFirst().orElseThrow();
        return new JsonPath(io.vertx.core.json.Json.encode(found));
    }

    @Test
    void shouldMailARevokedPartnerOnceAcrossRunsAndItsRecoveryOnce() throws Exception {
        InventoryFixtures.Partner healthy = world.partner("healthy").item(8, 1);
        InventoryFixtures.Partner revoked = world.partner("revoked").item(9, 1);
        String token = revoked.shop.shop.accessToken();
        revoked.shop.shop.accessToken("shpat_revoked_by_the_merchant");

        JsonPath first = awaitRun(syncNow());
        assertThat(partnerRow(first, revoked.id)).containsEntry("status", "failed");
        assertThat(partnerRow(first, healthy.id)).containsEntry("status", "healthy");
        assertThat(healthy.ownerStock(0)).isEqualTo(8);
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsAbout(revoked).size() == 1);

        awaitRun(syncNow());
        assertMailsStay(revoked, 1);
        assertThat(revoked.view().getString("status")).isEqualTo("failed");
        assertThat(revoked.view().getString("lastError")).contains("access token");
        assertThat(mailsAbout(healthy)).isEmpty();

        MimeMessage mail = GreenMailResource.messages().stream().filter(m -> {
            try {
                return m.getSubject().contains(revoked.name);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        assertThat(mail.getSubject()).contains("access token is rejected");
        assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("storesync@example.com");
        assertThat(mail.getAllRecipients()).extracting(a -> ((InternetAddress) a).getAddress())
                .contains("ops@example.com", "owner@example.com");
        assertThat(mail.getContent().toString()).contains("/shopify/install?shop=" + revoked.shop.domain);
        JsonPath raised = alert(revoked, InventoryAlerts.TOKEN_INVALID);
        assertThat(raised.getBoolean("active")).isTrue();
        assertThat(raised.getBoolean("mailSent")).isTrue();

        revoked.shop.shop.accessToken(token);
        JsonPath recovered = awaitRun(syncNow());
        assertThat(partnerRow(recovered, revoked.id)).containsEntry("status", "healthy");
        assertThat(revoked.ownerStock(0)).isEqualTo(9);
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsAbout(revoked).size() == 2);
        assertThat(mailsAbout(revoked).get(1)).contains("recovered");
        awaitRun(syncNow());
        assertMailsStay(revoked, 2);
        assertThat(alert(revoked, InventoryAlerts.TOKEN_INVALID).getBoolean("active")).isFalse();
    }

    @Test
    void shouldMailWhenMoreThanHalfOfAPartnersItemsFailTwiceInARowAndWhenThatClears() {
        InventoryFixtures.Partner partner = world.partner("halfbroken").item(4, 0);
        long missingA = partner.missingItem();
        long missingB = partner.missingItem();

        JsonPath first = awaitRun(syncNow());
        assertThat(partnerRow(first, partner.id)).containsEntry("status", "warning").containsEntry("failed", 2);
        assertThat(partner.ownerStock(0)).as("the item that can be synced is").isEqualTo(4);
        assertMailsStay(partner, 0);

        awaitRun(syncNow());
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsAbout(partner).size() == 1);
        assertThat(mailsAbout(partner).get(0)).contains("more than half of its items fail");
        awaitRun(syncNow());
        assertMailsStay(partner, 1);

        asAdmin().post("/admin/inventory/mappings/" + missingA + "/deactivate").then().statusCode(200);
        asAdmin().post("/admin/inventory/mappings/" + missingB + "/deactivate").then().statusCode(200);
        JsonPath fixed = awaitRun(syncNow());
        assertThat(partnerRow(fixed, partner.id)).containsEntry("status", "healthy");
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsAbout(partner).size() == 2);
        assertThat(mailsAbout(partner).get(1)).contains("recovered");
    }

    @Test
    void shouldMailAPartnerUnreachableAfterTheClientsRetries() {
        InventoryFixtures.Partner down = world.partner("down").item(2, 0);
        InventoryFixtures.Partner up = world.partner("up").item(3, 0);
        sim.faults().always().shop(down.shop.domain).status(503);

        JsonPath run = awaitRun(syncNow());
        assertThat(run.getString("outcome")).isEqualTo("partial");
        assertThat(partnerRow(run, down.id)).containsEntry("status", "failed");
        assertThat(up.ownerStock(0)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsAbout(down).size() == 1);
        assertThat(mailsAbout(down).get(0)).contains("cannot be reached");
        assertThat(alert(down, InventoryAlerts.UNREACHABLE).getBoolean("active")).isTrue();

        sim.faults().clear();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            // The partner's breaker may still be open for a moment after the outage.
            awaitRun(syncNow());
            return "healthy".equals(down.view().getString("status"));
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> mailsAbout(down).size() == 2);
        assertThat(mailsAbout(down).get(1)).contains("recovered");
        assertThat(down.ownerStock(0)).isEqualTo(2);
    }

    @Test
    void shouldKeepAMailThatCouldNotBeSentAndSendItOnceWhenSmtpIsBack() {
        InventoryFixtures.Partner partner = world.partner("smtpdown").item(1, 0);
        partner.shop.shop.accessToken("shpat_revoked_while_smtp_is_down");
        GreenMailResource.stopServer();
        try {
            awaitRun(syncNow());
            await().atMost(Duration.ofSeconds(15)).until(() -> alert(partner, InventoryAlerts.TOKEN_INVALID)
                    .getString("lastMailError") != null);
            assertThat(alert(partner, InventoryAlerts.TOKEN_INVALID).getBoolean("mailSent")).isFalse();
        } finally {
            GreenMailResource.restart();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> mailsAbout(partner).size() == 1);
        awaitRun(syncNow());
        assertMailsStay(partner, 1);
        assertThat(alert(partner, InventoryAlerts.TOKEN_INVALID).getBoolean("mailSent")).isTrue();
        assertThat(alert(partner, InventoryAlerts.TOKEN_INVALID).getString("lastMailError")).isNull();
    }

    @Test
    void shouldAnswer404FromTheCronEndpointWhenNoSecretIsConfigured() {
        io.restassured.RestAssured.given().header(InventoryCronResource.HEADER, "anything")
                .post("/api/cron/inventory-sync").then().statusCode(404).contentType("application/problem+json");
    }
}

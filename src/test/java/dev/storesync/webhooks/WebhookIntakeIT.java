package dev.storesync.webhooks;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same intake checks against the packaged application. */
@QuarkusIntegrationTest
class WebhookIntakeIT extends WebhookIntakeTest {
}

package dev.storesync.webhooks;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same compliance checks against the packaged application. */
@QuarkusIntegrationTest
class ComplianceWebhooksIT extends ComplianceWebhooksTest {
}

package dev.storesync.carriers;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same Ship24 intake checks against the packaged application. */
@QuarkusIntegrationTest
class Ship24IntakeIT extends Ship24IntakeTest {
}

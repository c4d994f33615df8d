package dev.storesync.shipments;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same registration rules against the packaged application. */
@QuarkusIntegrationTest
class ShipmentRegistrationIT extends ShipmentRegistrationTest {
}

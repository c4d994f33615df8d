package dev.storesync.vendors;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same vendor mapping checks against the packaged application. */
@QuarkusIntegrationTest
class VendorMappingIT extends VendorMappingTest {
}

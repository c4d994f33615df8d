package dev.storesync.kernel;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same error-format checks against the packaged application. */
@QuarkusIntegrationTest
class ProblemDocumentIT extends ProblemDocumentTest {
}

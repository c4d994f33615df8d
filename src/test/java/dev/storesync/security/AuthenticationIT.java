package dev.storesync.security;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same authentication checks against the packaged application. */
@QuarkusIntegrationTest
class AuthenticationIT extends AuthenticationTest {
}

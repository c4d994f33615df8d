package dev.storesync.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Test resources every Quarkus test and integration test gets. */
@QuarkusTestResource(value = EmbeddedPostgresResource.class, restrictToAnnotatedClass = false)
public final class GlobalTestResources {
    private GlobalTestResources() {
    }
}

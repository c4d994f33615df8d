package dev.storesync.kernel;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Test-only endpoint that fails the way a bug would: the application has no route that does on purpose. */
@Path("/test/unexpected-failure")
public class FailingResource {

    /** The message a bug's exception might carry; it must reach the log, never the caller. */
    public static final String SECRET_DETAIL = "internal state dev.storesync.Secret was corrupt";

    @GET
    @PermitAll
    public String fail() {
        throw new IllegalStateException(SECRET_DETAIL);
    }
}

package dev.storesync.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/** Who is calling: lets services scope data to a vendor key's own vendor. */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The vendor a vendor key is bound to; empty for admin and operator keys. */
    public Optional<Long> vendorId() {
        return Optional.ofNullable(identity.getAttribute(Roles.VENDOR_ID_ATTRIBUTE));
    }

    public String principal() {
        return identity.getPrincipal().getName();
    }
}

package dev.storesync.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import dev.storesync.kernel.ProblemException;
import java.util.Optional;
import java.util.Set;

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

    /** The stored key's id; empty for the bootstrap admin key. */
    public Optional<Long> apiKeyId() {
        return Optional.ofNullable(identity.getAttribute(Roles.API_KEY_ID_ATTRIBUTE));
    }

    /** The shops an operator key is limited to; empty when it may act on every shop. */
    public Optional<Set<String>> shopDomains() {
        return Optional.ofNullable(identity.getAttribute(Roles.SHOP_DOMAINS_ATTRIBUTE));
    }

    /** Refuses (403) a shop this key is not limited to; {@code domain} is normalised. */
    public void requireShop(String domain) {
        Optional<Set<String>> allowed = shopDomains();
        if (allowed.isPresent() && !allowed.get().contains(domain)) {
            throw ProblemException.forbidden("This API key may not act on shop " + domain + ".");
        }
    }

    public String principal() {
        return identity.getPrincipal().getName();
    }
}

package dev.storesync.security;

import dev.storesync.kernel.ProblemException;
import dev.storesync.shops.ShopDomains;
import dev.storesync.vendors.VendorRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Creates, lists and revokes API keys. */
@ApplicationScoped
public class ApiKeyService {

    private final ApiKeyRepository keys;
    private final VendorRepository vendors;

    public ApiKeyService(ApiKeyRepository keys, VendorRepository vendors) {
        this.keys = keys;
        this.vendors = vendors;
    }

    /** The new key in plain text is in the result and nowhere else, ever. */
    @WithTransaction
    public Uni<ApiKeyDtos.Created> create(ApiKeyDtos.CreateRequest request) {
        boolean vendorRole = Roles.VENDOR.equals(request.role());
        if (vendorRole && request.vendorId() == null) {
            throw ProblemException.invalidField("vendorId", "a vendor key must name its vendor");
        }
        if (!vendorRole && request.vendorId() != null) {
            throw ProblemException.invalidField("vendorId", "only vendor keys are bound to a vendor");
        }
        String[] shops = request.shopDomains() == null ? null : shopDomains(request.shopDomains(), "shopDomains");
        if (shops != null && !Roles.OPERATOR.equals(request.role())) {
            throw ProblemException.invalidField("shopDomains", "only operator keys are limited to shops");
        }
        Uni<Void> vendorCheck = vendorRole
                ? vendors.findById(request.vendorId()).invoke(v -> {
                    if (v == null) {
                        throw ProblemException.invalidField("vendorId", "no vendor with id " + request.vendorId());
                    }
                }).replaceWithVoid()
                : Uni.createFrom().voidItem();
        return vendorCheck.chain(() -> {
            String plain = ApiKeys.generate();
            ApiKey key = new ApiKey();
            key.name = request.name().trim();
            key.role = request.role();
            key.vendorId = request.vendorId();
            key.shopDomains = shops;
            key.keyHash = ApiKeys.hash(plain);
            key.keyPrefix = ApiKeys.displayPrefix(plain);
            key.createdAt = Instant.now();
            return keys.persist(key).map(saved -> {
                Log.infof("API key %d (%s, role %s) created", saved.id, saved.name, saved.role);
                return new ApiKeyDtos.Created(ApiKeyDtos.View.of(saved), plain);
            });
        });
    }

    @WithSession
    public Uni<List<ApiKeyDtos.View>> list() {
        return keys.listNewestFirst().map(list -> list.stream().map(ApiKeyDtos.View::of).toList());
    }

    /** Limits an operator key to shops (the dashboard's list and actions check them), or lifts the limit with null. */
    @WithTransaction
    public Uni<ApiKeyDtos.View> limitShops(long id, ApiKeyDtos.ShopsRequest request) {
        String[] shops = request.shopDomains() == null ? null : shopDomains(request.shopDomains(), "shopDomains");
        return keys.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("No API key with id " + id))
                .map(key -> {
                    if (shops != null && !Roles.OPERATOR.equals(key.role)) {
                        throw ProblemException.invalidField("shopDomains", "only operator keys are limited to shops");
                    }
                    key.shopDomains = shops;
                    Log.infof("API key %d (%s) limited to shops %s", key.id, key.name,
                            shops == null ? "(all)" : String.join(", ", shops));
                    return ApiKeyDtos.View.of(key);
                });
    }

    // Stored normalised, as shops are, so the check is an exact comparison.
    private static String[] shopDomains(List<String> raw, String field) {
        String[] out = new String[raw.size()];
        for (int i = 0; i < raw.size(); i++) {
            String domain = raw.get(i);
            int at = i;
            out[i] = ShopDomains.normalise(domain).orElseThrow(() -> ProblemException.invalidField(field + "[" + at + "]",
                    "must be a *.myshopify.com domain"));
        }
        return java.util.Arrays.stream(out).distinct().sorted().toArray(String[]::new);
    }

    /** Revoking twice is harmless; the first revocation time is kept. */
    @WithTransaction
    public Uni<ApiKeyDtos.View> revoke(long id) {
        return keys.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("No API key with id " + id))
                .map(key -> {
                    if (key.revokedAt == null) {
                        key.revokedAt = Instant.now();
                        Log.infof("API key %d (%s) revoked", key.id, key.name);
                    }
                    return ApiKeyDtos.View.of(key);
                });
    }
}

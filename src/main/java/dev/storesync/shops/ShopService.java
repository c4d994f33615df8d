package dev.storesync.shops;

import dev.storesync.StoreSyncConfig;
import dev.storesync.kernel.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Registers shops, changes their state and keeps their tokens encrypted. */
@ApplicationScoped
public class ShopService {

    private static final Set<String> STATES = Set.of(Shop.ACTIVE, Shop.PAUSED, Shop.UNINSTALLED);

    private final ShopRepository shops;
    private final TokenCipher cipher;
    private final WebhookSubscriber subscriber;
    private final WebhookSubscriptionStates subscriptions;
    private final StoreSyncConfig config;

    public ShopService(ShopRepository shops, TokenCipher cipher, WebhookSubscriber subscriber,
            WebhookSubscriptionStates subscriptions, StoreSyncConfig config) {
        this.shops = shops;
        this.cipher = cipher;
        this.subscriber = subscriber;
        this.subscriptions = subscriptions;
        this.config = config;
    }

    @WithTransaction
    public Uni<ShopDtos.View> register(ShopDtos.RegisterRequest request) {
        String domain = ShopDomains.normalise(request.domain()).orElseThrow(
                () -> ProblemException.invalidField("domain", "must be a shop's myshopify.com domain, e.g. my-store.myshopify.com"));
        return shops.findByDomain(domain).chain(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("Shop " + domain + " is already registered (id " + existing.id + ")");
            }
            Instant now = Instant.now();
            Shop shop = new Shop();
            shop.domain = domain;
            setAccessToken(shop, request.accessToken().trim(), null);
            shop.scopes = request.scopes() == null ? "" : request.scopes().trim();
            shop.apiVersion = request.apiVersion() == null ? config.shopify().apiVersion() : request.apiVersion();
            shop.state = Shop.ACTIVE;
            shop.installedAt = now;
            shop.createdAt = now;
            shop.updatedAt = now;
            return shops.persist(shop);
        }).map(shop -> {
            Log.infof("Shop %s registered by hand (id %d)", shop.domain, shop.id);
            return ShopDtos.View.of(shop);
        });
    }

    @WithSession
    public Uni<List<ShopDtos.View>> list(String state) {
        if (state != null && !STATES.contains(state)) {
            throw ProblemException.invalidField("state", "must be one of active, paused, uninstalled");
        }
        return shops.listByState(state).map(list -> list.stream().map(ShopDtos.View::of).toList());
    }

    /** One shop, with the state of each webhook subscription it should have. */
    @WithSession
    public Uni<ShopDtos.View> get(long id) {
        return find(id).map(ShopDtos.View::of).chain(view -> subscriber.topicsFor(view.domain())
                .chain(topics -> subscriptions.of(id).map(recorded -> {
            List<ShopDtos.WebhookSubscription> out = new ArrayList<>();
            for (String topic : new TreeSet<>(topics)) {
                WebhookSubscriptionStates.Recorded r = recorded.get(topic);
                out.add(r == null ? new ShopDtos.WebhookSubscription(topic, "missing", null, null)
                        : new ShopDtos.WebhookSubscription(topic, r.state(), r.lastAttemptAt(),
                                r.errorEn() == null ? null : new ShopDtos.Error(r.errorEn(), r.errorJa())));
            }
            return view.withSubscriptions(out);
        })));
    }

    /**
     * (Re)subscribes the shop to every webhook topic StoreSync handles, idempotently; what Shopify
     * refused or failed is recorded per topic, not passed on. Runs outside a transaction: it calls
     * Shopify.
     */
    public Uni<Void> subscribe(long id) {
        return domainOf(id).chain(subscriber::subscribe);
    }

    @WithSession
    Uni<String> domainOf(long id) {
        return find(id).map(shop -> shop.domain);
    }

    // Admin changes lock the row (SELECT ... FOR UPDATE): a pause or re-authorization flag the
    // Shopify client writes meanwhile waits for this change instead of being overwritten by it.
    // The flush makes the answer show the version the change got.
    @WithTransaction
    public Uni<ShopDtos.View> pause(long id, String reason) {
        return findLocked(id).map(shop -> {
            if (Shop.UNINSTALLED.equals(shop.state)) {
                throw ProblemException.conflict("Shop " + shop.domain + " is uninstalled; reinstall the app first");
            }
            shop.state = Shop.PAUSED;
            shop.pausedReason = reason.trim();
            shop.updatedAt = Instant.now();
            Log.infof("Shop %s paused: %s", shop.domain, shop.pausedReason);
            return shop;
        }).call(shops::flush).map(ShopDtos.View::of);
    }

    @WithTransaction
    public Uni<ShopDtos.View> resume(long id) {
        return findLocked(id).map(shop -> {
            if (Shop.UNINSTALLED.equals(shop.state)) {
                throw ProblemException.conflict("Shop " + shop.domain + " is uninstalled; reinstall the app first");
            }
            if (Shop.PAUSED.equals(shop.state)) {
                shop.state = Shop.ACTIVE;
                shop.pausedReason = null;
                shop.updatedAt = Instant.now();
                Log.infof("Shop %s resumed", shop.domain);
            }
            return shop;
        }).call(shops::flush).map(ShopDtos.View::of);
    }

    /** Re-encrypts every token still sealed with an older key, after a key rotation. */
    @WithTransaction
    public Uni<ShopDtos.ReencryptResult> reencryptTokens() {
        String active = cipher.activeKeyId();
        return shops.find("(accessTokenKeyId is not null and accessTokenKeyId <> ?1) "
                + "or (refreshTokenKeyId is not null and refreshTokenKeyId <> ?1)", active)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .map(stale -> {
                    for (Shop shop : stale) {
                        if (shop.accessToken != null) {
                            String plain = cipher.open(shop.domain, TokenCipher.Purpose.ACCESS, shop.accessToken, shop.accessTokenKeyId);
                            setAccessToken(shop, plain, shop.accessTokenExpiresAt);
                        }
                        if (shop.refreshToken != null) {
                            String plain = cipher.open(shop.domain, TokenCipher.Purpose.REFRESH, shop.refreshToken, shop.refreshTokenKeyId);
                            setRefreshToken(shop, plain, shop.refreshTokenExpiresAt);
                        }
                        shop.updatedAt = Instant.now();
                    }
                    Log.infof("Re-encrypted tokens of %d shop(s) with key %s", stale.size(), active);
                    return new ShopDtos.ReencryptResult(stale.size(), active);
                });
    }

    /** What a lifecycle request did to a shop. */
    public enum Outcome {
        /** The change was made. */
        DONE,
        /** The shop was already in the requested state. */
        ALREADY_DONE,
        /** No shop has that domain. */
        NOT_FOUND,
        /** The shop was (re)installed after the request was made, so the request is stale. */
        REINSTALLED_SINCE
    }

    /**
     * Marks a shop uninstalled and wipes its tokens, as the {@code app/uninstalled} webhook asks;
     * other modules stop their scheduled work for shops in this state. A request older than the
     * shop's latest installation is stale and changes nothing.
     */
    @WithTransaction
    public Uni<Outcome> markUninstalled(String domain, Instant requestedAt) {
        return shops.find("domain", domain).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult().map(shop -> {
            if (shop == null) {
                return Outcome.NOT_FOUND;
            }
            if (shop.installedAt.isAfter(requestedAt)) {
                return Outcome.REINSTALLED_SINCE;
            }
            if (Shop.UNINSTALLED.equals(shop.state)) {
                return Outcome.ALREADY_DONE;
            }
            Instant now = Instant.now();
            shop.state = Shop.UNINSTALLED;
            shop.pausedReason = null;
            shop.uninstalledAt = now;
            shop.updatedAt = now;
            setAccessToken(shop, null, null);
            setRefreshToken(shop, null, null);
            Log.infof("Shop %s uninstalled the app; its tokens are wiped", shop.domain);
            return Outcome.DONE;
        });
    }

    /**
     * Deletes a shop, as the {@code shop/redact} webhook asks. Rows of other tables that reference
     * {@code shops(id)} go with it when their foreign key is {@code ON DELETE CASCADE}, which is
     * how shop-owned tables are meant to be declared; a table declared otherwise makes this fail,
     * and the request is retried. A request older than the shop's latest installation is stale
     * and changes nothing; a shop never marked uninstalled is still deleted, because Shopify does
     * not guarantee that {@code app/uninstalled} arrived.
     */
    @WithTransaction
    public Uni<Outcome> erase(String domain, Instant requestedAt) {
        return shops.findByDomain(domain).chain(shop -> {
            if (shop == null) {
                return Uni.createFrom().item(Outcome.NOT_FOUND);
            }
            if (shop.installedAt.isAfter(requestedAt)) {
                return Uni.createFrom().item(Outcome.REINSTALLED_SINCE);
            }
            return shops.delete(shop).invoke(() -> Log.infof("Shop %s (id %d) and its data erased", shop.domain, shop.id))
                    .replaceWith(Outcome.DONE);
        });
    }

    void setAccessToken(Shop shop, String token, Instant expiresAt) {
        if (token == null) {
            shop.accessToken = null;
            shop.accessTokenKeyId = null;
            shop.accessTokenExpiresAt = null;
            return;
        }
        TokenCipher.Sealed sealed = cipher.seal(shop.domain, TokenCipher.Purpose.ACCESS, token);
        shop.accessToken = sealed.ciphertext();
        shop.accessTokenKeyId = sealed.keyId();
        shop.accessTokenExpiresAt = expiresAt;
    }

    void setRefreshToken(Shop shop, String token, Instant expiresAt) {
        if (token == null) {
            shop.refreshToken = null;
            shop.refreshTokenKeyId = null;
            shop.refreshTokenExpiresAt = null;
            return;
        }
        TokenCipher.Sealed sealed = cipher.seal(shop.domain, TokenCipher.Purpose.REFRESH, token);
        shop.refreshToken = sealed.ciphertext();
        shop.refreshTokenKeyId = sealed.keyId();
        shop.refreshTokenExpiresAt = expiresAt;
    }

    private Uni<Shop> find(long id) {
        return shops.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("No shop with id " + id));
    }

    private Uni<Shop> findLocked(long id) {
        return shops.findById(id, LockModeType.PESSIMISTIC_WRITE).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("No shop with id " + id));
    }
}

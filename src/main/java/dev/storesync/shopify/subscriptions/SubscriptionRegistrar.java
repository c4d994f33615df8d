package dev.storesync.shopify.subscriptions;

import dev.storesync.StoreSyncConfig;
import dev.storesync.shopify.client.ShopifyAdminClient;
import dev.storesync.shopify.client.ShopifyResult;
import dev.storesync.shops.WebhookSubscriber;
import dev.storesync.shops.WebhookSubscriptionStates;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes a shop's webhook subscriptions match what StoreSync handles, idempotently: lists what
 * exists, creates what is missing and corrects subscriptions that point elsewhere. Compliance
 * topics are configured in the app's settings, not through the API, so they are never subscribed.
 * A shop gets every subscribable handler's topics plus those a {@link ShopTopics} bean names for it
 * (partner stores: {@code inventory_levels/update}).
 */
@ApplicationScoped
public class SubscriptionRegistrar implements WebhookSubscriber {

    private final ShopifyAdminClient shopify;
    private final SubscribedTopics topics;
    private final WebhookSubscriptionStates states;
    private final StoreSyncConfig.Shopify config;
    private final Instance<ShopTopics> shopTopics;

    public SubscriptionRegistrar(ShopifyAdminClient shopify, SubscribedTopics topics, WebhookSubscriptionStates states,
            StoreSyncConfig config, @Any Instance<ShopTopics> shopTopics) {
        this.shopify = shopify;
        this.topics = topics;
        this.states = states;
        this.config = config.shopify();
        this.shopTopics = shopTopics;
    }

    @Override
    public Set<String> topics() {
        return enumTopics();
    }

    @Override
    public Uni<Set<String>> topicsFor(String domain) {
        return topicsOf(domain);
    }

    @Override
    public Uni<Void> subscribe(String domain) {
        return ensure(domain).replaceWithVoid();
    }

    /** What was done, per topic ({@code topic} is Shopify's enum, e.g. ORDERS_CREATE). */
    public record Report(List<String> created, List<String> updated, List<String> unchanged, List<String> failed) {
    }

    public Uni<Report> ensure(String shop) {
        return topicsOf(shop).chain(wanted -> ensure(shop, wanted));
    }

    /** Every shop's topics and this shop's own, in Shopify's enum form. */
    private Uni<Set<String>> topicsOf(String shop) {
        Uni<Set<String>> all = Uni.createFrom().item(enumTopics());
        for (ShopTopics extra : shopTopics) {
            all = all.chain(so -> extra.topicsFor(shop).map(more -> {
                Set<String> out = new TreeSet<>(so);
                more.forEach(t -> out.add(enumTopic(t)));
                return out;
            }));
        }
        return all;
    }

    private Uni<Report> ensure(String shop, Set<String> wanted) {
        String callback = config.appUrl().replaceAll("/+$", "") + "/webhooks/shopify";
        return shopify.query(shop, "WebhookSubscriptions", Map.of()).chain(result -> {
            if (!(result instanceof ShopifyResult.Success success)) {
                Log.warnf("Could not list webhook subscriptions of %s: %s", shop, result.message().en());
                List<String> all = List.copyOf(wanted);
                Uni<Void> recorded = Uni.createFrom().voidItem();
                for (String topic : all) {
                    recorded = recorded.chain(() -> states.failed(shop, topic, result.message().en(), result.message().ja()));
                }
                return recorded.replaceWith(new Report(List.of(), List.of(), List.of(), all));
            }
            Map<String, JsonObject> existing = new HashMap<>();
            JsonArray nodes = success.data().getJsonObject("webhookSubscriptions", new JsonObject())
                    .getJsonArray("nodes", new JsonArray());
            for (int i = 0; i < nodes.size(); i++) {
                JsonObject node = nodes.getJsonObject(i);
                existing.putIfAbsent(node.getString("topic"), node);
            }
            List<String> created = new ArrayList<>();
            List<String> updated = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (String topic : wanted) {
                JsonObject current = existing.get(topic);
                if (current != null && callback.equals(callbackOf(current))) {
                    unchanged.add(topic);
                    chain = chain.chain(() -> states.subscribed(shop, topic));
                    continue;
                }
                JsonObject subscription = new JsonObject().put("callbackUrl", callback).put("format", "JSON");
                Uni<ShopifyResult> call = current == null
                        ? shopify.query(shop, "WebhookSubscriptionCreate",
                                Map.of("topic", topic, "webhookSubscription", subscription.getMap()))
                        : shopify.query(shop, "WebhookSubscriptionUpdate",
                                Map.of("id", current.getString("id"), "webhookSubscription", Map.of("callbackUrl", callback)));
                chain = chain.chain(() -> call.chain(r -> {
                    if (r instanceof ShopifyResult.Success) {
                        (current == null ? created : updated).add(topic);
                        return states.subscribed(shop, topic);
                    }
                    failed.add(topic);
                    Log.warnf("Webhook subscription %s for %s failed: %s", topic, shop, r.message().en());
                    return states.failed(shop, topic, r.message().en(), r.message().ja());
                }));
            }
            return chain.map(ignored -> {
                Log.infof("Webhook subscriptions of %s: %d created, %d corrected, %d in place, %d failed", shop,
                        created.size(), updated.size(), unchanged.size(), failed.size());
                return new Report(created, updated, unchanged, failed);
            });
        });
    }

    private Set<String> enumTopics() {
        Set<String> out = new TreeSet<>();
        for (String topic : topics.topics()) {
            out.add(enumTopic(topic));
        }
        return out;
    }

    private static String enumTopic(String topic) {
        return topic.toUpperCase(Locale.ROOT).replace('/', '_');
    }

    private static String callbackOf(JsonObject node) {
        JsonObject endpoint = node.getJsonObject("endpoint");
        if (endpoint != null && endpoint.getString("callbackUrl") != null) {
            return endpoint.getString("callbackUrl");
        }
        return node.getString("callbackUrl", node.getString("uri"));
    }
}

package dev.storesync.webhooks;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every {@link WebhookHandler} bean, by topic. Two handlers claiming one topic stop the start-up. */
@Startup
@ApplicationScoped
public class WebhookHandlers {

    private final Map<String, WebhookHandler> byTopic;

    public WebhookHandlers(@Any Instance<WebhookHandler> handlers) {
        Map<String, WebhookHandler> map = new TreeMap<>();
        for (WebhookHandler handler : handlers) {
            for (String topic : handler.topics()) {
                WebhookHandler previous = map.putIfAbsent(topic, handler);
                if (previous != null) {
                    throw new IllegalStateException("Webhook topic " + topic + " has two handlers: "
                            + previous.getClass().getName() + " and " + handler.getClass().getName());
                }
            }
        }
        this.byTopic = Map.copyOf(map);
        Log.infof("Webhook handlers registered for topics %s", map.keySet());
    }

    /** Every topic a subscribable handler takes, in Shopify's slash form. */
    public java.util.Set<String> subscribableTopics() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        byTopic.forEach((topic, handler) -> {
            if (handler.subscribable()) {
                out.add(topic);
            }
        });
        return out;
    }

    public Optional<WebhookHandler> forTopic(String topic) {
        return Optional.ofNullable(byTopic.get(topic));
    }
}

package dev.storesync.webhooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.shops.ShopDomains;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Accepts a Shopify webhook delivery into the inbox, and does nothing else: handlers run later,
 * from the dispatcher. Checks run cheapest and least revealing first, and a rejected delivery
 * stores nothing:
 * <ol>
 * <li>size: a body over {@code storesync.webhooks.max-body-size} is answered 413;</li>
 * <li>headers: topic, shop domain and webhook id must be present and well formed, else 400;</li>
 * <li>signature: the HMAC of the raw bytes, under the current or previous client secret, else 401.
 * Nothing of the body is looked at before this;</li>
 * <li>JSON: the body must be one UTF-8 JSON object, else 400;</li>
 * <li>shop: the shop must be registered, else 401, and not uninstalled, else 401, except for
 * {@code app/uninstalled} and the compliance topics, which are stored whatever the shop's state.</li>
 * </ol>
 * The shop check and the insert are one statement, and the caller is answered only after it
 * commits. A webhook id already in the inbox is answered 200 again and stores nothing.
 */
@ApplicationScoped
public class WebhookIntakeService {

    /** Topics stored even for a shop marked uninstalled: they arrive after, or because of, the uninstall. */
    static final Set<String> ACCEPTED_WHEN_UNINSTALLED = Set.of(
            "app/uninstalled", "customers/data_request", "customers/redact", "shop/redact");
    private static final int MAX_HEADER_LENGTH = 255;
    private static final Set<String> BAD_JSON_SQL_STATES = Set.of("22P02", "22P05", "22021");

    private final WebhookSignature signature;
    private final InboxRepository inbox;
    private final WebhookDispatcher dispatcher;
    private final WebhookConfig config;
    private final JsonFactory json;

    public WebhookIntakeService(WebhookSignature signature, InboxRepository inbox, WebhookDispatcher dispatcher,
            WebhookConfig config, ObjectMapper mapper) {
        this.signature = signature;
        this.inbox = inbox;
        this.dispatcher = dispatcher;
        this.config = config;
        this.json = mapper.getFactory();
    }

    /** The delivery headers Shopify sends, as received. */
    public record DeliveryHeaders(String hmac, String topic, String shopDomain, String webhookId, String eventId,
            String triggeredAt, String apiVersion, String subscriptionName) {
    }

    /** The answer to Shopify: the delivery is stored (now, or by an earlier delivery of the same id). */
    public record Receipt(String webhookId, boolean duplicate) {
    }

    public Uni<Receipt> receive(byte[] body, DeliveryHeaders headers) {
        byte[] raw = body == null ? new byte[0] : body;
        long limit = config.maxBodySize().asLongValue();
        if (raw.length > limit) {
            throw new ProblemException(Problem.of(413, "payload-too-large", "Payload too large",
                    "Webhook bodies are limited to " + limit + " bytes."));
        }
        String topic = required("X-Shopify-Topic", headers.topic());
        String shopHeader = required("X-Shopify-Shop-Domain", headers.shopDomain());
        String webhookId = required("X-Shopify-Webhook-Id", headers.webhookId());
        String shopDomain = ShopDomains.normalise(shopHeader).orElseThrow(() -> ProblemException.badRequest(
                "Header X-Shopify-Shop-Domain must be a myshopify.com domain."));
        if (!signature.verify(raw, headers.hmac())) {
            Log.debugf("Webhook %s (%s from %s) rejected: bad or missing signature", webhookId, topic, shopDomain);
            throw unauthorized("The X-Shopify-Hmac-Sha256 signature is missing or does not match the body.");
        }
        String payload = storableJsonObject(json, raw);
        InboxRepository.NewDelivery delivery = new InboxRepository.NewDelivery(webhookId, shopDomain, topic,
                optional(headers.eventId()), instant(headers.triggeredAt()), optional(headers.apiVersion()),
                optional(headers.subscriptionName()), payload);
        boolean acceptUninstalled = ACCEPTED_WHEN_UNINSTALLED.contains(topic);
        return inbox.insert(delivery, config.dispatcher().maxAttempts(), acceptUninstalled)
                .onFailure(WebhookIntakeService::isBadJson)
                .transform(e -> ProblemException.badRequest("The webhook body is not JSON PostgreSQL can store."))
                .map(outcome -> accepted(delivery, outcome, acceptUninstalled));
    }

    private Receipt accepted(InboxRepository.NewDelivery d, InboxRepository.InsertOutcome outcome,
            boolean acceptUninstalled) {
        if (outcome.shopState() == null) {
            Log.infof("Webhook %s (%s) rejected: shop %s is not registered", d.webhookId(), d.topic(), d.shopDomain());
            throw unauthorized("Shop " + d.shopDomain() + " is not registered with this app.");
        }
        if ("uninstalled".equals(outcome.shopState()) && !acceptUninstalled) {
            Log.debugf("Webhook %s (%s) rejected: shop %s is uninstalled", d.webhookId(), d.topic(), d.shopDomain());
            throw unauthorized("Shop " + d.shopDomain() + " has uninstalled this app.");
        }
        if (outcome.id() == null) {
            Log.debugf("Webhook %s (%s from %s) is a redelivery; already stored", d.webhookId(), d.topic(),
                    d.shopDomain());
            return new Receipt(d.webhookId(), true);
        }
        if (outcome.duplicateOf() != null) {
            Log.infof("Webhook %s (%s from %s) repeats event %s, first stored as inbox row %d", d.webhookId(),
                    d.topic(), d.shopDomain(), d.eventId(), outcome.duplicateOf());
        }
        Log.debugf("Webhook %s (%s from %s) stored as inbox row %d", d.webhookId(), d.topic(), d.shopDomain(),
                outcome.id());
        dispatcher.nudge();
        return new Receipt(d.webhookId(), false);
    }

    /**
     * The body as text to store in a JSONB column, when it is UTF-8 holding exactly one JSON object
     * (400 otherwise); shared by every webhook intake (Shopify's, Ship24's).
     */
    public static String storableJsonObject(JsonFactory json, byte[] raw) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw ProblemException.badRequest("The webhook body is not UTF-8.");
        }
        try (JsonParser parser = json.createParser(raw)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ProblemException.badRequest("The webhook body must be a JSON object.");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw ProblemException.badRequest("The webhook body has content after its JSON object.");
            }
        } catch (IOException e) {
            throw ProblemException.badRequest("The webhook body is not valid JSON.");
        }
        return withoutNul(text);
    }

    /**
     * The JSON text with every escaped NUL character (backslash, u0000) replaced by the escaped
     * replacement character U+FFFD: PostgreSQL cannot
     * store U+0000 in JSONB, and a merchant's note holding one must not make Shopify's delivery fail
     * forever. The signature was checked on the bytes as sent. In valid JSON a backslash only ever
     * starts an escape, so stepping over each escape finds exactly the real ones.
     */
    public static String withoutNul(String json) {
        if (json.indexOf("\\u0000") < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                if (json.startsWith("u0000", i + 1)) {
                    out.append("\\ufffd");
                    i += 5;
                } else {
                    out.append(c).append(json.charAt(++i));
                }
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest("Header " + name + " is required.");
        }
        if (value.length() > MAX_HEADER_LENGTH) {
            throw ProblemException.badRequest("Header " + name + " is longer than " + MAX_HEADER_LENGTH + " characters.");
        }
        return value.trim();
    }

    private static String optional(String value) {
        return value == null || value.isBlank() ? null
                : value.length() > MAX_HEADER_LENGTH ? value.substring(0, MAX_HEADER_LENGTH) : value.trim();
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isBadJson(Throwable failure) {
        return failure instanceof PgException pg && BAD_JSON_SQL_STATES.contains(pg.getSqlState());
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "webhook-unauthorized", "Unauthorized", detail));
    }
}

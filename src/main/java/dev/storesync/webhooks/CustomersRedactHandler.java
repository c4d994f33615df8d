package dev.storesync.webhooks;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;

/**
 * {@code customers/redact}: remove a customer's personal data. StoreSync holds it in stored webhook
 * payloads and, for display, as name and email on orders: every payload of the shop that names the
 * customer (by id or email, or one of the listed orders) is redacted, this request's own payload
 * included, and the matching orders lose their customer name and email.
 */
@ApplicationScoped
public class CustomersRedactHandler implements WebhookHandler {

    private final InboxRepository inbox;
    private final ComplianceRepository audit;
    private final CustomerDataHolder orders;

    public CustomersRedactHandler(InboxRepository inbox, ComplianceRepository audit, CustomerDataHolder orders) {
        this.inbox = inbox;
        this.audit = audit;
        this.orders = orders;
    }

    @Override
    public Set<String> topics() {
        return Set.of("customers/redact");
    }

    @Override
    public Uni<Void> handle(InboxDelivery request) {
        CustomerRequests customer = CustomerRequests.of(request.payload(), "orders_to_redact");
        return inbox.mentioning(request.shopDomain(), customer.customerId(), customer.email(), customer.orderIds())
                .chain(rows -> redactAll(rows).replaceWith(rows))
                .chain(rows -> orders.redact(request.shopDomain(), customer.email(), customer.orderIds()).chain(changed -> {
                    List<Long> ids = rows.stream().map(InboxRepository.StoredPayload::id).toList();
                    Log.infof("Compliance customers/redact %s for %s, customer %s: %d stored webhook payload(s) and "
                            + "%d order(s) redacted", request.webhookId(), request.shopDomain(), customer.customerId(),
                            ids.size(), changed);
                    return audit.record(request, customer.customerId(), "redacted", new JsonObject()
                            .put("inboxRowsRedacted", ids.size()).put("inboxIds", new JsonArray(ids))
                            .put("ordersRedacted", changed));
                }));
    }

    private Uni<Void> redactAll(List<InboxRepository.StoredPayload> rows) {
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(row -> inbox.redact(row.id(), PersonalData.redact(row.payload())))
                .collect().last().replaceWithVoid();
    }
}

package dev.storesync.webhooks;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code customers/data_request}: a customer asked the merchant what is held about them. StoreSync
 * holds customer data only inside stored webhook payloads, so it records (audit row and INFO log,
 * with ids and counts but no personal values) which payloads name the customer, for the merchant
 * to answer from.
 */
@ApplicationScoped
public class CustomersDataRequestHandler implements WebhookHandler {

    private final InboxRepository inbox;
    private final ComplianceRepository audit;
    private final CustomerDataHolder orders;

    public CustomersDataRequestHandler(InboxRepository inbox, ComplianceRepository audit, CustomerDataHolder orders) {
        this.inbox = inbox;
        this.audit = audit;
        this.orders = orders;
    }

    @Override
    public Set<String> topics() {
        return Set.of("customers/data_request");
    }

    @Override
    public Uni<Void> handle(InboxDelivery request) {
        CustomerRequests customer = CustomerRequests.of(request.payload(), "orders_requested");
        Object dataRequestId = request.payload().getJsonObject("data_request", new JsonObject()).getValue("id");
        return inbox.mentioning(request.shopDomain(), customer.customerId(), customer.email(), customer.orderIds())
                .chain(rows -> orders.count(request.shopDomain(), customer.email(), customer.orderIds()).chain(orderCount -> {
                    List<InboxRepository.StoredPayload> held = rows.stream()
                            .filter(row -> !WebhookIntakeService.ACCEPTED_WHEN_UNINSTALLED.contains(row.topic()))
                            .toList();
                    Set<String> topics = new TreeSet<>();
                    held.forEach(row -> topics.add(row.topic()));
                    List<Long> ids = held.stream().map(InboxRepository.StoredPayload::id).toList();
                    Log.infof("Compliance customers/data_request %s (request %s) for %s, customer %s: StoreSync holds "
                            + "%d webhook payload(s) naming the customer (topics %s) and the name and email on %d order(s)",
                            request.webhookId(), dataRequestId, request.shopDomain(), customer.customerId(), ids.size(),
                            topics, orderCount);
                    return audit.record(request, customer.customerId(), "reported",
                            new JsonObject().put("dataRequestId", dataRequestId)
                                    .put("held", "webhook payloads; name and email on orders")
                                    .put("inboxRows", ids.size())
                                    .put("inboxIds", new JsonArray(ids))
                                    .put("topics", new JsonArray(List.copyOf(topics)))
                                    .put("ordersWithCustomerData", orderCount));
                }));
    }
}

package dev.storesync.operations.orders.actions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.storesync.kernel.Problem;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The dashboard's v1.2 action bodies and the envelope every answer carries. Bodies are checked by
 * {@link ActionRequests} (a missing {@code shop_domain} is a 400, any other bad value a 422), not
 * by Bean Validation, so that the two cases answer differently as the contract says.
 */
public final class ActionDtos {

    private ActionDtos() {
    }

    /** {@code POST /sync/orders/assign}. */
    @RegisterForReflection
    public record AssignRequest(@JsonProperty("shop_domain") String shopDomain, List<String> orderIds, String assignee) {
    }

    /** {@code POST /sync/orders/fulfill}; {@code tracking} is optional (a fulfillment without tracking is allowed). */
    @RegisterForReflection
    public record FulfillRequest(@JsonProperty("shop_domain") String shopDomain, List<String> orderIds, Tracking tracking) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tracking(String number, String carrier, String url) {
    }

    /** {@code POST /sync/orders/support}. */
    @RegisterForReflection
    public record SupportRequest(@JsonProperty("shop_domain") String shopDomain, String orderId, String conversationId,
            String note) {
    }

    /** {@code POST /sync/orders/returns}. */
    @RegisterForReflection
    public record ReturnRequest(@JsonProperty("shop_domain") String shopDomain, String orderId, String action,
            String note) {
    }

    /** One order an action changed; each action fills its own fields (the others are left out). */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UpdatedOrder(String id, String assignedTo, String fulfillmentStatus, Tracking tracking,
            String supportThread) {

        static UpdatedOrder assigned(String id, String assignee) {
            return new UpdatedOrder(id, assignee, null, null, null);
        }

        static UpdatedOrder fulfilled(String id, Tracking tracking) {
            return new UpdatedOrder(id, null, "fulfilled", tracking, null);
        }

        static UpdatedOrder support(String id, String thread) {
            return new UpdatedOrder(id, null, null, null, thread);
        }
    }

    /** The v1.2 answer to a successful action. */
    @RegisterForReflection
    public record Envelope(boolean success, String message, List<UpdatedOrder> updatedOrders) {
    }

    /**
     * The v1.2 answer to a failed action: the envelope and the RFC 9457 problem in one document, so
     * the dashboard reads {@code success}/{@code message} and generic clients read {@code type}/{@code status}.
     */
    @RegisterForReflection
    public record Failure(boolean success, String message, List<UpdatedOrder> updatedOrders, String type, String title,
            int status, String detail, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Problem.FieldError> errors) {

        static Failure of(Problem p) {
            return new Failure(false, p.detail(), List.of(), p.type(), p.title(), p.status(), p.detail(), p.errors());
        }
    }
}

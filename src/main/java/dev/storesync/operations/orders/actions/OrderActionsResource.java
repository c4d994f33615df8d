package dev.storesync.operations.orders.actions;

import dev.storesync.security.Caller;
import dev.storesync.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * The dashboard's write actions (contract v1.2). Every answer is the envelope
 * {@code {success, message, updatedOrders}}; failures add the problem fields and carry their status.
 * Admin and operator keys only; an operator key limited to shops may act on those shops only.
 */
@Path("/sync/orders")
@RolesAllowed({ Roles.ADMIN, Roles.OPERATOR })
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Orders dashboard actions (v1.2)")
public class OrderActionsResource {

    private static final String FAILURE_EXAMPLES = "application/problem+json";
    private static final String IDEMPOTENCY = "Optional retry key: the same key and body answer the first result again "
            + "(header Idempotent-Replayed: true); the same key with another body is 422.";
    private static final String NOT_FOUND = """
            {"success": false, "message": "No order #9999 in shop demo-store.myshopify.com; nothing was changed.",
             "updatedOrders": [], "type": "https://storesync.dev/problems/not-found", "title": "Not found", "status": 404,
             "detail": "No order #9999 in shop demo-store.myshopify.com; nothing was changed."}""";
    private static final String MISSING_SHOP = """
            {"success": false, "message": "shop_domain is required: the shop the orders belong to.", "updatedOrders": [],
             "type": "https://storesync.dev/problems/missing-shop-domain", "title": "shop_domain missing", "status": 400,
             "detail": "shop_domain is required: the shop the orders belong to."}""";
    private static final String FORBIDDEN = """
            {"success": false, "message": "This API key may not act on shop other-store.myshopify.com.", "updatedOrders": [],
             "type": "https://storesync.dev/problems/forbidden", "title": "Forbidden", "status": 403,
             "detail": "This API key may not act on shop other-store.myshopify.com."}""";
    private static final String UNAUTHORIZED = """
            {"success": false, "message": "Send a valid, unrevoked API key as 'Authorization: Bearer <key>'.",
             "updatedOrders": [], "type": "https://storesync.dev/problems/unauthorized", "title": "Unauthorized",
             "status": 401, "detail": "Send a valid, unrevoked API key as 'Authorization: Bearer <key>'."}""";
    private static final String INVALID = """
            {"success": false, "message": "assignee: must be 1 to 200 characters", "updatedOrders": [],
             "type": "https://storesync.dev/problems/validation", "title": "Request not valid", "status": 422,
             "detail": "assignee: must be 1 to 200 characters",
             "errors": [{"field": "assignee", "message": "must be 1 to 200 characters"}]}""";

    private final OrderActionService service;
    private final Caller caller;

    public OrderActionsResource(OrderActionService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Path("/assign")
    @Operation(summary = "Assign orders", description = "Makes assignee the current assignee of every order (all or none); "
            + "records who assigned, when and with which key, and queues the assignee metafield for Shopify.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ActionDtos.AssignRequest.class), examples = @ExampleObject(
            name = "assign", value = """
                    {"shop_domain": "demo-store.myshopify.com", "orderIds": ["gid://shopify/Order/5001", "5002", "#1003"], "assignee": "kana"}""")))
    @APIResponse(responseCode = "200", description = "Assigned", content = @Content(schema = @Schema(implementation = ActionDtos.Envelope.class),
            examples = @ExampleObject(name = "assigned", value = """
                    {"success": true, "message": "Assigned 3 orders to kana", "updatedOrders": [
                      {"id": "gid://shopify/Order/5001", "assignedTo": "kana"}, {"id": "gid://shopify/Order/5002", "assignedTo": "kana"},
                      {"id": "gid://shopify/Order/5003", "assignedTo": "kana"}]}""")))
    @APIResponse(responseCode = "400", description = "No shop_domain", content = @Content(mediaType = FAILURE_EXAMPLES,
            schema = @Schema(implementation = ActionDtos.Failure.class), examples = @ExampleObject(name = "missing shop", value = MISSING_SHOP)))
    @APIResponse(responseCode = "401", description = "No, unknown or revoked API key", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "unauthorized", value = UNAUTHORIZED)))
    @APIResponse(responseCode = "403", description = "Vendor key, or a shop this operator key may not act on",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "forbidden", value = FORBIDDEN)))
    @APIResponse(responseCode = "404", description = "Unknown shop or order (nothing changed)",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "unknown order", value = NOT_FOUND)))
    @APIResponse(responseCode = "422", description = "Invalid field, or Idempotency-Key reused with another body",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "invalid", value = INVALID)))
    public Uni<Response> assign(ActionDtos.AssignRequest body, @Parameter(description = IDEMPOTENCY) @RestHeader("Idempotency-Key") String key) {
        return answer(() -> service.assign(body, actor(), ActionRequests.idempotencyKey(key)));
    }

    @POST
    @Path("/fulfill")
    @Operation(summary = "Mark orders fulfilled", description = "One shipment per order of every line still unshipped "
            + "(all vendors), with the tracking if given (a fulfillment without tracking is allowed); the sync worker "
            + "creates the Shopify fulfillments. A cancelled order is 409 and nothing changes.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ActionDtos.FulfillRequest.class), examples = {
            @ExampleObject(name = "with tracking", value = """
                    {"shop_domain": "demo-store.myshopify.com", "orderIds": ["#1001", "#1002"],
                     "tracking": {"number": "4455-6677-8899", "carrier": "Yamato", "url": "https://track.example/4455-6677-8899"}}"""),
            @ExampleObject(name = "without tracking", value = """
                    {"shop_domain": "demo-store.myshopify.com", "orderIds": ["gid://shopify/Order/5001"]}""") }))
    @APIResponse(responseCode = "200", description = "Marked fulfilled", content = @Content(schema = @Schema(implementation = ActionDtos.Envelope.class),
            examples = @ExampleObject(name = "fulfilled", value = """
                    {"success": true, "message": "Marked 2 orders fulfilled", "updatedOrders": [
                      {"id": "gid://shopify/Order/5001", "fulfillmentStatus": "fulfilled", "tracking": {"number": "4455-6677-8899", "carrier": "Yamato", "url": "https://track.example/4455-6677-8899"}},
                      {"id": "gid://shopify/Order/5002", "fulfillmentStatus": "fulfilled", "tracking": {"number": "4455-6677-8899", "carrier": "Yamato", "url": "https://track.example/4455-6677-8899"}}]}""")))
    @APIResponse(responseCode = "400", description = "No shop_domain", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "missing shop", value = MISSING_SHOP)))
    @APIResponse(responseCode = "401", description = "No, unknown or revoked API key", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "unauthorized", value = UNAUTHORIZED)))
    @APIResponse(responseCode = "403", description = "Vendor key, or a shop this operator key may not act on",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "forbidden", value = FORBIDDEN)))
    @APIResponse(responseCode = "404", description = "Unknown shop or order (nothing changed)",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "unknown order", value = NOT_FOUND)))
    @APIResponse(responseCode = "409", description = "An order is cancelled (nothing changed)", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "cancelled", value = """
                    {"success": false, "message": "Order #1002 is cancelled; it cannot be fulfilled.", "updatedOrders": [],
                     "type": "https://storesync.dev/problems/conflict", "title": "Conflict", "status": 409,
                     "detail": "Order #1002 is cancelled; it cannot be fulfilled."}""")))
    @APIResponse(responseCode = "422", description = "Invalid field", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "invalid", value = """
                    {"success": false, "message": "tracking.number: must be 1 to 100 characters", "updatedOrders": [],
                     "type": "https://storesync.dev/problems/validation", "title": "Request not valid", "status": 422,
                     "detail": "tracking.number: must be 1 to 100 characters",
                     "errors": [{"field": "tracking.number", "message": "must be 1 to 100 characters"}]}""")))
    public Uni<Response> fulfill(ActionDtos.FulfillRequest body, @Parameter(description = IDEMPOTENCY) @RestHeader("Idempotency-Key") String key) {
        return answer(() -> service.fulfill(body, actor(), ActionRequests.idempotencyKey(key)));
    }

    @POST
    @Path("/support")
    @Operation(summary = "Request support for an order", description = "Adds the note to a support thread (the thread of "
            + "conversationId when given, else the order's thread, else a new one) and hands the order to the assistant assignee.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ActionDtos.SupportRequest.class), examples = @ExampleObject(
            name = "support", value = """
                    {"shop_domain": "demo-store.myshopify.com", "orderId": "#1001", "conversationId": "conv-8812",
                     "note": "Customer says the parcel arrived damaged."}""")))
    @APIResponse(responseCode = "200", description = "Support requested", content = @Content(schema = @Schema(implementation = ActionDtos.Envelope.class),
            examples = @ExampleObject(name = "requested", value = """
                    {"success": true, "message": "Support requested for #1001", "updatedOrders": [
                      {"id": "gid://shopify/Order/5001", "supportThread": "7d0b7c52-2f0e-4c8e-9a51-0f4b3c1f2a10"}]}""")))
    @APIResponse(responseCode = "400", description = "No shop_domain", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "missing shop", value = MISSING_SHOP)))
    @APIResponse(responseCode = "401", description = "No, unknown or revoked API key", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "unauthorized", value = UNAUTHORIZED)))
    @APIResponse(responseCode = "403", description = "Vendor key, or a shop this operator key may not act on",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "forbidden", value = FORBIDDEN)))
    @APIResponse(responseCode = "404", description = "Unknown shop or order", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "unknown order", value = NOT_FOUND)))
    @APIResponse(responseCode = "422", description = "Invalid field (note missing…)", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "invalid", value = """
                    {"success": false, "message": "note: must be 1 to 5000 characters", "updatedOrders": [],
                     "type": "https://storesync.dev/problems/validation", "title": "Request not valid", "status": 422,
                     "detail": "note: must be 1 to 5000 characters", "errors": [{"field": "note", "message": "must be 1 to 5000 characters"}]}""")))
    public Uni<Response> support(ActionDtos.SupportRequest body, @Parameter(description = IDEMPOTENCY) @RestHeader("Idempotency-Key") String key) {
        return answer(() -> service.support(body, actor(), ActionRequests.idempotencyKey(key)));
    }

    @POST
    @Path("/returns")
    @Operation(summary = "Move an order's return", description = "The returns state machine (table in the README): "
            + "awaiting_label → label_generated → in_transit → inspection → awaiting_refund → completed, deny and cancel "
            + "from any open state. Repeating the last action changes nothing; an illegal action is 409 naming the current state.")
    @RequestBody(content = @Content(schema = @Schema(implementation = ActionDtos.ReturnRequest.class), examples = {
            @ExampleObject(name = "open", value = """
                    {"shop_domain": "demo-store.myshopify.com", "orderId": "#1001", "action": "open", "note": "Wrong size"}"""),
            @ExampleObject(name = "approve refund", value = """
                    {"shop_domain": "demo-store.myshopify.com", "orderId": "gid://shopify/Order/5001", "action": "approve_refund"}""") }))
    @APIResponse(responseCode = "200", description = "Return updated", content = @Content(schema = @Schema(implementation = ActionDtos.Envelope.class),
            examples = @ExampleObject(name = "updated", value = """
                    {"success": true, "message": "Return updated: #1001 → label_generated", "updatedOrders": []}""")))
    @APIResponse(responseCode = "400", description = "No shop_domain", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "missing shop", value = MISSING_SHOP)))
    @APIResponse(responseCode = "401", description = "No, unknown or revoked API key", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "unauthorized", value = UNAUTHORIZED)))
    @APIResponse(responseCode = "403", description = "Vendor key, or a shop this operator key may not act on",
            content = @Content(mediaType = FAILURE_EXAMPLES, examples = @ExampleObject(name = "forbidden", value = FORBIDDEN)))
    @APIResponse(responseCode = "404", description = "Unknown shop or order", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "unknown order", value = NOT_FOUND)))
    @APIResponse(responseCode = "409", description = "Action not allowed in the current state", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "illegal", value = """
                    {"success": false, "message": "The return of #1001 is in state in_transit; approve_refund is not allowed (allowed: received, request_inspection, deny, cancel).",
                     "updatedOrders": [], "type": "https://storesync.dev/problems/illegal-return-transition",
                     "title": "Return transition not allowed", "status": 409,
                     "detail": "The return of #1001 is in state in_transit; approve_refund is not allowed (allowed: received, request_inspection, deny, cancel)."}""")))
    @APIResponse(responseCode = "422", description = "Unknown action or invalid field", content = @Content(mediaType = FAILURE_EXAMPLES,
            examples = @ExampleObject(name = "invalid", value = """
                    {"success": false, "message": "action: must be one of open, label_generated, in_transit, received, request_inspection, approve_refund, complete, deny, cancel",
                     "updatedOrders": [], "type": "https://storesync.dev/problems/validation", "title": "Request not valid", "status": 422,
                     "detail": "action: must be one of open, label_generated, in_transit, received, request_inspection, approve_refund, complete, deny, cancel",
                     "errors": [{"field": "action", "message": "must be one of open, label_generated, in_transit, received, request_inspection, approve_refund, complete, deny, cancel"}]}""")))
    public Uni<Response> returns(ActionDtos.ReturnRequest body, @Parameter(description = IDEMPOTENCY) @RestHeader("Idempotency-Key") String key) {
        return answer(() -> service.returns(body, actor(), ActionRequests.idempotencyKey(key)));
    }

    private OrderActionService.Actor actor() {
        return new OrderActionService.Actor(caller.principal(), caller.apiKeyId().orElse(null), caller.shopDomains());
    }

    // Validation throws before any Uni exists; deferring turns it into the Uni's failure like the others.
    private static Uni<Response> answer(java.util.function.Supplier<Uni<? extends OrderActionService.Answer>> action) {
        return Uni.createFrom().deferred(action).map(a -> {
            Response.ResponseBuilder b = Response.status(a.status()).type(MediaType.APPLICATION_JSON).entity(a.body().encode());
            if (a.replayed()) {
                b.header("Idempotent-Replayed", "true");
            }
            return b.build();
        });
    }
}

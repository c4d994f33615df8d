package dev.storesync.shipments;

import dev.storesync.kernel.Problem;
import dev.storesync.kernel.ProblemException;
import dev.storesync.operations.orders.OrderEvents;
import dev.storesync.shipments.sync.Carriers;
import dev.storesync.shipments.sync.ShipmentSyncWorker;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registers vendor shipments. Everything a registration checks and writes happens in one
 * transaction holding the order's row lock, so two registrations can never together ship more
 * units of a line than the order has.
 */
@ApplicationScoped
public class ShipmentService {

    /** Who registers: the API key's principal (scope of idempotency keys) and, for vendor keys, the vendor. */
    public record Registrant(String principal, Optional<Long> vendorId) {
    }

    /** The registered shipment, and whether it was created now or replayed for a repeated Idempotency-Key. */
    public record Registered(ShipmentDtos.View shipment, boolean replayed) {
    }

    /** What is wrong with one line of a registration, by its index in the request's {@code lines}. */
    public record LineError(int index, String message) {
    }

    /**
     * A registration refused because of some of its lines (a 422 with one field error per line). Callers
     * that registered several lines at once, such as the CSV import, read {@link #lineErrors()}.
     */
    public static final class InvalidLinesException extends ProblemException {

        private final transient List<LineError> lineErrors;

        InvalidLinesException(String detail, List<Problem.FieldError> fieldErrors, List<LineError> lineErrors) {
            super(ProblemException.unprocessable(detail, fieldErrors).problem());
            this.lineErrors = List.copyOf(lineErrors);
        }

        public List<LineError> lineErrors() {
            return lineErrors;
        }
    }

    private final Pool pool;
    private final ShipmentRepository shipments;
    private final ShipmentSyncWorker worker;

    public ShipmentService(Pool pool, ShipmentRepository shipments, ShipmentSyncWorker worker) {
        this.pool = pool;
        this.shipments = shipments;
        this.worker = worker;
    }

    public Uni<Registered> register(long orderId, ShipmentDtos.RegisterRequest request, Registrant who,
            String idempotencyKey) {
        String fingerprint = fingerprint(orderId, request);
        return pool.withTransaction(c -> existing(c, who, idempotencyKey, fingerprint).chain(previous -> previous != null
                ? Uni.createFrom().item(new Registered(previous, true))
                : insert(c, orderId, request, who, idempotencyKey, fingerprint)
                        .map(view -> new Registered(view, false))))
                .onFailure(e -> isIdempotencyRace(e)).recoverWithUni(() -> pool.withConnection(
                        c -> existing(c, who, idempotencyKey, fingerprint).map(v -> new Registered(v, true))))
                .invoke(registered -> {
                    if (!registered.replayed()) {
                        Log.infof("Shipment %d registered for order %s (%s) by %s", registered.shipment().id(),
                                registered.shipment().orderName(), registered.shipment().trackingNumber(), who.principal());
                        worker.wake();
                    }
                });
    }

    private Uni<ShipmentDtos.View> existing(SqlConnection c, Registrant who, String key, String fingerprint) {
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return shipments.byIdempotencyKey(c, who.principal(), key).chain(previous -> {
            if (previous == null) {
                return Uni.createFrom().nullItem();
            }
            if (!fingerprint.equals(previous.fingerprint())) {
                return Uni.createFrom().failure(new ProblemException(Problem.of(422, "idempotency-key-reused",
                        "Idempotency-Key reused", "This Idempotency-Key was already used for a different request.")));
            }
            return ShipmentViews.load(c, "s.id = $1", "", Tuple.of(previous.id()), false).map(list -> list.get(0));
        });
    }

    private Uni<ShipmentDtos.View> insert(SqlConnection c, long orderId, ShipmentDtos.RegisterRequest request,
            Registrant who, String key, String fingerprint) {
        return shipments.lockOrder(c, orderId)
                .chain(order -> {
                    if (order.isEmpty()) {
                        throw ProblemException.notFound("No order with id " + orderId);
                    }
                    if (order.get()) {
                        throw ProblemException.unprocessable("The order is cancelled; it cannot be shipped.",
                                List.of(new Problem.FieldError("orderId", "order is cancelled")));
                    }
                    return shipments.lineStates(c, orderId);
                })
                .chain(states -> {
                    Map<Long, ShipmentRepository.LineState> lines = new HashMap<>();
                    states.forEach(l -> lines.put(l.id(), l));
                    Long vendorId = validate(request, lines, who);
                    return shipments.insert(c, new ShipmentRepository.NewShipment(orderId, vendorId,
                            request.trackingNumber().trim(), blankToNull(request.carrier()),
                            Carriers.trackingCompany(request.carrier()), blankToNull(request.trackingUrl()),
                            Boolean.TRUE.equals(request.notifyCustomer()), who.principal(), key, fingerprint,
                            request.lines()))
                            .call(id -> OrderEvents.record(c, orderId, OrderEvents.SHIPMENT_REGISTERED, new JsonObject()
                                    .put("shipmentId", id).put("trackingNumber", request.trackingNumber().trim())
                                    .put("carrier", blankToNull(request.carrier())).put("by", who.principal())));
                })
                .chain(id -> ShipmentViews.load(c, "s.id = $1", "", Tuple.of(id), false)).map(list -> list.get(0));
    }

    /** Applies the registration rules; returns the vendor the shipment belongs to (null when mixed). */
    private static Long validate(ShipmentDtos.RegisterRequest request, Map<Long, ShipmentRepository.LineState> lines,
            Registrant who) {
        List<Problem.FieldError> errors = new ArrayList<>();
        List<LineError> lineErrors = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Set<Long> vendors = new HashSet<>();
        for (int i = 0; i < request.lines().size(); i++) {
            ShipmentDtos.LineRequest line = request.lines().get(i);
            ShipmentRepository.LineState row = lines.get(line.lineItemId());
            // A vendor gets one answer for a line that is not in the order and for another vendor's
            // line, naming only what it sent, so it cannot learn which ids exist or what they are.
            if (who.vendorId().isPresent() && (row == null || !who.vendorId().get().equals(row.vendorId()))) {
                throw new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                        "lines[" + i + "]: line item " + line.lineItemId() + " is not one of your lines in this order."));
            }
            if (row == null) {
                reject(errors, lineErrors, i, ".lineItemId", "line item " + line.lineItemId() + " is not in this order");
                continue;
            }
            Long owner = row.vendorId();
            vendors.add(owner);
            if (!seen.add(line.lineItemId())) {
                reject(errors, lineErrors, i, ".lineItemId", "line item " + line.lineItemId() + " is listed twice");
                continue;
            }
            if (!row.requiresShipping()) {
                reject(errors, lineErrors, i, ".lineItemId", "\"" + row.title() + "\" does not require shipping");
                continue;
            }
            int available = row.quantity() - row.shipped();
            if (line.quantity() > available) {
                reject(errors, lineErrors, i, ".quantity", "\"" + row.title() + "\" (line item "
                        + line.lineItemId() + "): " + line.quantity() + " requested but only " + available
                        + " not yet in another shipment");
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidLinesException("The shipment has " + errors.size() + " invalid line(s).", errors, lineErrors);
        }
        return vendors.size() == 1 ? vendors.iterator().next() : null;
    }

    private static void reject(List<Problem.FieldError> errors, List<LineError> lineErrors, int index, String property,
            String message) {
        errors.add(new Problem.FieldError("lines[" + index + "]" + property, message));
        lineErrors.add(new LineError(index, message));
    }

    private static boolean isIdempotencyRace(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState())
                && String.valueOf(pg.getConstraint()).equals("shipments_idempotency");
    }

    private static String fingerprint(long orderId, ShipmentDtos.RegisterRequest r) {
        String canonical = orderId + "|" + r.lines().stream().map(l -> l.lineItemId() + "x" + l.quantity()).sorted().toList()
                + "|" + r.trackingNumber() + "|" + r.carrier() + "|" + r.trackingUrl() + "|" + r.notifyCustomer();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

package dev.storesync.operations.orders.actions;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The returns state machine: one table of (state, action) → state. No state (no return yet) is
 * {@code null}; completed, denied and cancelled are terminal. The service repeats the guard in SQL
 * ({@code UPDATE … WHERE return_state IS NOT DISTINCT FROM from}).
 */
public final class ReturnFlow {

    /** The states of a return, in the order a return walks them. */
    public enum State {
        AWAITING_LABEL, LABEL_GENERATED, IN_TRANSIT, INSPECTION, AWAITING_REFUND, COMPLETED, DENIED, CANCELLED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean terminal() {
            return this == COMPLETED || this == DENIED || this == CANCELLED;
        }

        static State ofWire(String raw) {
            return raw == null ? null : valueOf(raw.toUpperCase(Locale.ROOT));
        }
    }

    /** The actions a request may send, as they appear on the wire. */
    public static final List<String> ACTIONS = List.of("open", "label_generated", "in_transit", "received",
            "request_inspection", "approve_refund", "complete", "deny", "cancel");

    private static final Map<String, Map<State, State>> TABLE = new LinkedHashMap<>();
    // The (absent) state before a return is opened.
    private static final State NONE = null;

    static {
        on("open", NONE, State.AWAITING_LABEL);
        on("label_generated", State.AWAITING_LABEL, State.LABEL_GENERATED);
        on("in_transit", State.LABEL_GENERATED, State.IN_TRANSIT);
        on("received", State.IN_TRANSIT, State.INSPECTION);
        on("request_inspection", State.IN_TRANSIT, State.INSPECTION);
        on("request_inspection", State.AWAITING_REFUND, State.INSPECTION);
        on("approve_refund", State.INSPECTION, State.AWAITING_REFUND);
        on("complete", State.AWAITING_REFUND, State.COMPLETED);
        for (State s : State.values()) {
            if (!s.terminal()) {
                on("deny", s, State.DENIED);
                on("cancel", s, State.CANCELLED);
            }
        }
    }

    private ReturnFlow() {
    }

    private static void on(String action, State from, State to) {
        TABLE.computeIfAbsent(action, a -> new LinkedHashMap<>()).put(from, to);
    }

    /** The state {@code action} leads to from {@code from} (null: no return yet); empty when not allowed. */
    public static Optional<State> next(State from, String action) {
        Map<State, State> byFrom = TABLE.get(action);
        return byFrom == null || !byFrom.containsKey(from) ? Optional.empty() : Optional.of(byFrom.get(from));
    }

    /** The actions allowed from {@code from}, for the 409's message. */
    public static List<String> allowedFrom(State from) {
        return TABLE.entrySet().stream().filter(e -> e.getValue().containsKey(from)).map(Map.Entry::getKey).toList();
    }

    /** The whole table by state, for documentation and tests. */
    public static Map<State, Map<String, State>> table() {
        Map<State, Map<String, State>> out = new EnumMap<>(State.class);
        TABLE.forEach((action, byFrom) -> byFrom.forEach((from, to) -> {
            if (from != null) {
                out.computeIfAbsent(from, f -> new LinkedHashMap<>()).put(action, to);
            }
        }));
        return out;
    }
}

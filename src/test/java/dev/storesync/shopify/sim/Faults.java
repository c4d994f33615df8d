package dev.storesync.shopify.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fault injection. Each rule picks requests (by endpoint, default GraphQL; optionally by shop and
 * GraphQL operation name), for the next N matching calls, a fraction of them, or all, and says what
 * goes wrong:
 *
 * <pre>{@code
 * sim.faults().next(2).status(503);
 * sim.faults().next(1).retryAfter(1);                                  // 429 with Retry-After: 1
 * sim.faults().next(1).operation("FulfillmentCreate").executeThenStatus(502);
 * sim.faults().fraction(0.3).shop("a.myshopify.com").dropConnection();
 * sim.faults().next(1).endpoint(Faults.Endpoint.OAUTH_ACCESS_TOKEN).status(500);
 * }</pre>
 *
 * Rules are tried in the order they were added; the first that applies wins.
 */
public final class Faults {

    /** Which simulated endpoint a rule applies to. */
    public enum Endpoint {
        GRAPHQL, OAUTH_AUTHORIZE, OAUTH_ACCESS_TOKEN
    }

    /** What a matching rule does. */
    sealed interface Action permits Status, Delay, Drop, ExecuteThenStatus {
    }

    /** Answer with this status instead of handling the request. */
    record Status(int status, Map<String, String> headers, String body) implements Action {
    }

    /** Wait, then handle the request normally. */
    record Delay(Duration delay) implements Action {
    }

    /** Close the connection without an answer. */
    record Drop() implements Action {
    }

    /** Handle the request (a mutation takes effect), then answer with this status instead. */
    record ExecuteThenStatus(int status) implements Action {
    }

    private record Rule(Endpoint endpoint, String shop, String operation, int[] remaining, double probability,
            Action action) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final Random random = new Random(42);
    private int injected;

    /** A rule for the next {@code times} matching requests. */
    public RuleBuilder next(int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        return new RuleBuilder(times, 1.0);
    }

    /** A rule for a random fraction of matching requests (seeded, so runs repeat). */
    public RuleBuilder fraction(double probability) {
        return new RuleBuilder(-1, probability);
    }

    /** A rule for every matching request until {@link #clear()}. */
    public RuleBuilder always() {
        return new RuleBuilder(-1, 1.0);
    }

    public synchronized void clear() {
        rules.clear();
        injected = 0;
    }

    /** How many requests a fault was applied to. */
    public synchronized int injectedCount() {
        return injected;
    }

    synchronized Action match(Endpoint endpoint, String shop, String operation) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext();) {
            Rule rule = it.next();
            if (rule.endpoint() != endpoint || rule.shop() != null && !rule.shop().equals(shop)
                    || rule.operation() != null && !rule.operation().equals(operation)) {
                continue;
            }
            if (rule.probability() < 1.0 && random.nextDouble() >= rule.probability()) {
                continue;
            }
            if (rule.remaining()[0] > 0 && --rule.remaining()[0] == 0) {
                it.remove();
            }
            injected++;
            return rule.action();
        }
        return null;
    }

    private synchronized Faults add(Rule rule) {
        rules.add(rule);
        return this;
    }

    /** Chooses which requests a rule applies to, then what happens to them. */
    public final class RuleBuilder {
        private final int times;
        private final double probability;
        private Endpoint endpoint = Endpoint.GRAPHQL;
        private String shop;
        private String operation;

        private RuleBuilder(int times, double probability) {
            this.times = times;
            this.probability = probability;
        }

        public RuleBuilder endpoint(Endpoint which) {
            this.endpoint = which;
            return this;
        }

        public RuleBuilder shop(String shopDomain) {
            this.shop = shopDomain;
            return this;
        }

        /** Only GraphQL requests whose operation has this name, e.g. {@code FulfillmentCreate}. */
        public RuleBuilder operation(String operationName) {
            this.operation = operationName;
            return this;
        }

        /** Answers with the status and a Shopify-like body; 429 and 503 carry {@code Retry-After: 1}. */
        public Faults status(int status) {
            Map<String, String> headers = status == 429 || status == 503 ? Map.of("Retry-After", "1") : Map.of();
            return status(status, headers);
        }

        public Faults status(int status, Map<String, String> headers) {
            return install(new Status(status, headers, "{\"errors\":\"" + reason(status) + "\"}"));
        }

        /** 429 with {@code Retry-After} in seconds. */
        public Faults retryAfter(int seconds) {
            return status(429, Map.of("Retry-After", Integer.toString(seconds)));
        }

        /** Answers normally, but only after the delay (for client timeouts). */
        public Faults delay(Duration delay) {
            return install(new Delay(delay));
        }

        /** Closes the connection without any answer. */
        public Faults dropConnection() {
            return install(new Drop());
        }

        /** Runs the request for real, then answers with the status: the client cannot know it worked. */
        public Faults executeThenStatus(int status) {
            return install(new ExecuteThenStatus(status));
        }

        private Faults install(Action action) {
            return add(new Rule(endpoint, shop, operation, new int[] {times}, probability, action));
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "[API] Invalid API key or access token (unrecognized login or wrong password)";
            case 402 -> "Unavailable Shop";
            case 403 -> "[API] This action requires merchant approval for the requested scope.";
            case 404 -> "Not Found";
            case 423 -> "This shop is unavailable";
            case 429 -> "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error " + status;
        };
    }
}

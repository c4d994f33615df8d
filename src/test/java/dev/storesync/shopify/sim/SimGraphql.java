package dev.storesync.shopify.sim;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.ParseAndValidate;
import graphql.execution.DataFetcherResult;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.language.StringValue;
import graphql.language.TypeName;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.Coercing;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.PropertyDataFetcher;
import graphql.schema.idl.FieldWiringEnvironment;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeUtil;
import graphql.schema.idl.WiringFactory;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simulated Admin GraphQL endpoint: parses and validates each request against the subset SDL,
 * prices it, charges the shop's bucket, and executes it against the shop's data.
 */
final class SimGraphql {

    static final String SDL = "/shopify-sim/admin-subset.graphqls";
    static final String SHOP = "shop";
    static final String VERSION = "version";

    /** Shopify's limit on every input array (nodes ids, inventory quantities, ...). */
    static final int MAX_INPUT_SIZE = 250;

    private static GraphQLSchema schema;

    private final GraphQL graphql = GraphQL.newGraphQL(schema()).build();

    static synchronized GraphQLSchema schema() {
        if (schema == null) {
            try (InputStream in = Objects.requireNonNull(SimGraphql.class.getResourceAsStream(SDL), SDL)) {
                String sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return schema;
    }

    /** Validation messages of a document against the simulator's schema; empty when valid. */
    static List<String> validate(String document) {
        try {
            return ParseAndValidate.validate(schema(), Parser.parse(document)).stream()
                    .map(ValidationError::getMessage).toList();
        } catch (InvalidSyntaxException e) {
            return List.of(e.getMessage());
        }
    }

    /** The operation a request runs, for the request log and fault rules; null if it cannot tell. */
    @SuppressWarnings("unchecked")
    static String operationName(byte[] body) {
        try {
            Map<String, Object> request = ShopifySimulator.JSON.readValue(body, Map.class);
            if (request.get("operationName") instanceof String name) {
                return name;
            }
            List<OperationDefinition> operations = Parser.parse((String) request.get("query"))
                    .getDefinitionsOfType(OperationDefinition.class);
            return operations.size() == 1 ? operations.get(0).getName() : null;
        } catch (RuntimeException | IOException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    SimResponse handle(SimShop shop, String version, byte[] body) {
        Map<String, Object> request;
        try {
            request = ShopifySimulator.JSON.readValue(body, Map.class);
        } catch (IOException e) {
            return SimResponse.json(400, Map.of("errors", Map.of("query", "Required parameter missing or invalid")));
        }
        if (!(request.get("query") instanceof String query)) {
            return SimResponse.json(400, Map.of("errors", Map.of("query", "Required parameter missing or invalid")));
        }
        Map<String, Object> variables = request.get("variables") instanceof Map<?, ?> given
                ? (Map<String, Object>) given : Map.of();
        String operationName = request.get("operationName") instanceof String name ? name : null;
        LeakyBucket bucket = shop.costBucket();

        Document document;
        try {
            document = Parser.parse(query);
        } catch (InvalidSyntaxException e) {
            return errorResponse(List.of(e.toInvalidSyntaxError().toSpecification()), bucket);
        }
        List<ValidationError> invalid = ParseAndValidate.validate(schema(), document);
        if (!invalid.isEmpty()) {
            return errorResponse(invalid.stream().map(GraphQLError::toSpecification).toList(), bucket);
        }
        QueryCost cost;
        try {
            cost = new QueryCost(schema(), document, operationName, variables);
        } catch (IllegalArgumentException e) {
            return errorResponse(List.of(Map.of("message", "An operation name is required")), bucket);
        }
        int requested = cost.requested();
        if (requested > QueryCost.MAX_SINGLE_QUERY_COST) {
            Map<String, Object> error = Map.of("message", "Query cost is " + requested
                    + ", which exceeds the single query max cost limit (" + QueryCost.MAX_SINGLE_QUERY_COST + ").",
                    "extensions", Map.of("code", "MAX_COST_EXCEEDED", "cost", requested,
                            "maxCost", QueryCost.MAX_SINGLE_QUERY_COST));
            return SimResponse.json(200, Map.of("errors", List.of(error),
                    "extensions", costExtension(requested, null, bucket)));
        }
        if (!bucket.tryTake(requested)) {
            shop.countThrottled();
            Map<String, Object> error = Map.of("message", "Throttled", "extensions", Map.of("code", "THROTTLED",
                    "documentation", "https://shopify.dev/api/usage/rate-limits"));
            return SimResponse.json(200, Map.of("errors", List.of(error),
                    "extensions", costExtension(requested, null, bucket)));
        }
        String operation = operationName != null ? operationName : cost.operation().getName();
        Runnable hook = operation == null ? null : shop.takeHook(operation);
        if (hook != null) {
            hook.run();
        }
        ExecutionResult result;
        synchronized (shop) {
            result = graphql.execute(ExecutionInput.newExecutionInput().query(query).operationName(operationName)
                    .variables(variables).graphQLContext(Map.of(SHOP, shop, VERSION, version)).build());
        }
        Map<String, Object> data = result.getData() instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
        int actual = data == null ? 0 : cost.actual(data);
        bucket.refund(requested - actual);
        shop.charge(actual);
        Map<String, Object> response = new LinkedHashMap<>(result.toSpecification());
        response.put("extensions", costExtension(requested, actual, bucket));
        return SimResponse.json(200, response);
    }

    private static SimResponse errorResponse(List<Map<String, Object>> errors, LeakyBucket bucket) {
        return SimResponse.json(200, Map.of("errors", errors, "extensions", costExtension(0, 0, bucket)));
    }

    private static Map<String, Object> costExtension(int requested, Integer actual, LeakyBucket bucket) {
        LeakyBucket.ThrottleStatus status = bucket.status();
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("requestedQueryCost", requested);
        cost.put("actualQueryCost", actual);
        cost.put("throttleStatus", Map.of("maximumAvailable", status.maximumAvailable(),
                "currentlyAvailable", status.currentlyAvailable(), "restoreRate", status.restoreRate()));
        return Map.of("cost", cost);
    }

    // --- Wiring -------------------------------------------------------------------------------

    private static RuntimeWiring wiring() {
        SimMutations mutations = new SimMutations();
        return RuntimeWiring.newRuntimeWiring()
                .scalar(stringScalar("DateTime"))
                .scalar(stringScalar("URL"))
                .scalar(stringScalar("UnsignedInt64"))
                .scalar(stringScalar("ARN"))
                .wiringFactory(new DefaultFetchers())
                .type("QueryRoot", t -> t
                        .dataFetcher("shop", env -> shop(env))
                        .dataFetcher("order", env -> shop(env).order(env.getArgument("id")))
                        .dataFetcher("orders", SimGraphql::orders)
                        .dataFetcher("fulfillmentOrder", env -> shop(env).fulfillmentOrder(env.getArgument("id")))
                        .dataFetcher("fulfillment", env -> shop(env).fulfillment(env.getArgument("id")))
                        .dataFetcher("location", env -> env.getArgument("id") == null ? shop(env).primaryLocation()
                                : shop(env).location(env.getArgument("id")))
                        .dataFetcher("locations", env -> page(shop(env).locations(), env))
                        .dataFetcher("nodes", env -> {
                            List<String> ids = env.getArgument("ids");
                            if (ids.size() > MAX_INPUT_SIZE) {
                                return DataFetcherResult.newResult().error(GraphqlErrorBuilder.newError(env)
                                        .message("The input array size of " + ids.size()
                                                + " is greater than the maximum allowed of " + MAX_INPUT_SIZE + ".")
                                        .extensions(Map.of("code", "MAX_INPUT_SIZE_EXCEEDED")).build()).build();
                            }
                            SimShop shop = shop(env);
                            List<Object> nodes = new ArrayList<>();
                            ids.forEach(id -> nodes.add(shop.node(id)));
                            return nodes;
                        })
                        .dataFetcher("inventoryItem", env -> {
                            String id = env.getArgument("id");
                            return shop(env).inventoryItems().stream().filter(i -> i.id().equals(id)).findFirst()
                                    .orElse(null);
                        })
                        .dataFetcher("inventoryItems", env -> {
                            SearchQuery search = new SearchQuery(env.getArgument("query"));
                            return page(shop(env).inventoryItems().stream()
                                    .filter(i -> search.matches(i, (item, field) -> field.equals("sku") ? item.sku()
                                            : null)).toList(), env);
                        })
                        .dataFetcher("productVariants", env -> {
                            SearchQuery search = new SearchQuery(env.getArgument("query"));
                            return page(shop(env).variants().stream().filter(v -> search.matches(v,
                                    (variant, field) -> switch (field) {
                                        case "sku" -> variant.sku() == null ? "" : variant.sku();
                                        case "barcode" -> variant.barcode() == null ? "" : variant.barcode();
                                        default -> null;
                                    })).toList(), env);
                        })
                        .dataFetcher("inventoryLevel", env -> {
                            String id = env.getArgument("id");
                            return shop(env).inventoryItems().stream().flatMap(i -> i.inventoryLevels().stream())
                                    .filter(l -> l.id().equals(id)).findFirst().orElse(null);
                        })
                        .dataFetcher("webhookSubscription", env -> shop(env).webhookSubscription(env.getArgument("id")))
                        .dataFetcher("webhookSubscriptions", SimGraphql::webhookSubscriptions))
                .type("Mutation", t -> t
                        .dataFetcher("fulfillmentCreate", mutations::fulfillmentCreate)
                        .dataFetcher("fulfillmentCancel", mutations::fulfillmentCancel)
                        .dataFetcher("webhookSubscriptionCreate", mutations::webhookSubscriptionCreate)
                        .dataFetcher("webhookSubscriptionUpdate", mutations::webhookSubscriptionUpdate)
                        .dataFetcher("webhookSubscriptionDelete", mutations::webhookSubscriptionDelete)
                        .dataFetcher("inventorySetQuantities", mutations::inventorySetQuantities)
                        .dataFetcher("metafieldsSet", mutations::metafieldsSet)
                        .dataFetcher("inventoryActivate", mutations::inventoryActivate))
                .type("InventoryItem", t -> t.dataFetcher("inventoryLevel", env -> {
                    SimInventoryItem item = env.getSource();
                    SimLocation location = shop(env).location(env.getArgument("locationId"));
                    return location == null ? null : item.level(location);
                }))
                .type("Location", t -> t.dataFetcher("inventoryLevel", env -> {
                    SimLocation location = env.getSource();
                    SimInventoryItem item = shop(env).inventoryItem(env.<String>getArgument("inventoryItemId"));
                    return item == null ? null : item.level(location);
                }))
                .type("InventoryLevel", t -> t.dataFetcher("quantities", env -> {
                    SimInventoryItem.Level level = env.getSource();
                    return level.quantities(env.getArgument("names"));
                }))
                .type("Node", t -> t.typeResolver(env -> env.getSchema().getObjectType(typeName(env.getObject()))))
                .type("WebhookSubscriptionEndpoint", t -> t.typeResolver(
                        env -> env.getSchema().getObjectType("WebhookHttpEndpoint")))
                .build();
    }

    private static String typeName(Object object) {
        if (object instanceof SimOrder.Customer) {
            return "Customer";
        }
        if (object instanceof SimInventoryItem.Level) {
            return "InventoryLevel";
        }
        if (object instanceof SimInventoryItem.Quantity) {
            return "InventoryQuantity";
        }
        if (object instanceof SimFulfillmentOrder.Hold) {
            return "FulfillmentHold";
        }
        return object.getClass().getSimpleName().replaceFirst("^Sim", "");
    }

    /** Connections page their list; lists with a {@code first} argument are cut; the rest is plain. */
    private static final class DefaultFetchers implements WiringFactory {
        @Override
        public DataFetcher<?> getDefaultDataFetcher(FieldWiringEnvironment environment) {
            String name = environment.getFieldDefinition().getName();
            DataFetcher<?> property = PropertyDataFetcher.fetching(name);
            TypeName type = TypeUtil.unwrapAll(environment.getFieldDefinition().getType());
            if (type.getName().endsWith("Connection")) {
                return env -> page((List<?>) property.get(env), env);
            }
            boolean firstArgument = environment.getFieldDefinition().getInputValueDefinitions().stream()
                    .anyMatch(a -> a.getName().equals("first"));
            if (firstArgument) {
                return env -> {
                    List<?> all = (List<?>) property.get(env);
                    Integer first = env.getArgument("first");
                    return first == null || all == null ? all : all.subList(0, Math.min(first, all.size()));
                };
            }
            return property;
        }
    }

    static SimShop shop(DataFetchingEnvironment env) {
        return env.getGraphQlContext().get(SHOP);
    }

    private static Object orders(DataFetchingEnvironment env) {
        SearchQuery search = new SearchQuery(env.getArgument("query"));
        String sortKey = env.getArgument("sortKey") == null ? "PROCESSED_AT" : env.getArgument("sortKey");
        Comparator<SimOrder> order = switch (sortKey) {
            case "UPDATED_AT" -> Comparator.comparing(SimOrder::updatedAt);
            case "CREATED_AT", "PROCESSED_AT" -> Comparator.comparing(SimOrder::createdAt);
            default -> Comparator.comparing(o -> Long.parseLong(o.legacyResourceId()));
        };
        List<SimOrder> orders = shop(env).orders().stream()
                .filter(o -> search.matches(o, SimGraphql::orderField))
                .sorted(order.thenComparing(o -> Long.parseLong(o.legacyResourceId()))).toList();
        return page(orders, env);
    }

    private static Object orderField(SimOrder order, String field) {
        return switch (field) {
            case "updated_at" -> order.updatedAt();
            case "created_at", "processed_at" -> order.createdAt();
            case "id" -> Long.parseLong(order.legacyResourceId());
            case "name" -> order.name();
            case "fulfillment_status" -> order.displayFulfillmentStatus().toLowerCase(java.util.Locale.ROOT);
            default -> null;
        };
    }

    private static Object webhookSubscriptions(DataFetchingEnvironment env) {
        List<String> topics = env.getArgument("topics");
        String callbackUrl = env.getArgument("callbackUrl");
        String format = env.getArgument("format");
        return page(shop(env).webhookSubscriptions().stream()
                .filter(s -> topics == null || topics.contains(s.topic()))
                .filter(s -> callbackUrl == null || callbackUrl.equals(s.callbackUrl()))
                .filter(s -> format == null || format.equals(s.format())).toList(), env);
    }

    /** Relay paging with Shopify's rules: first or last is required, at most 250. */
    static Object page(List<?> all, DataFetchingEnvironment env) {
        Integer first = env.getArgument("first");
        Integer last = env.getArgument("last");
        if (first == null && last == null) {
            return error(env, "you must provide one of first or last");
        }
        if (first != null && (first < 0 || first > 250) || last != null && (last < 0 || last > 250)) {
            return error(env, "The page size must be between 0 and 250");
        }
        List<?> items = new ArrayList<>(all == null ? List.of() : all);
        if (Boolean.TRUE.equals(env.getArgument("reverse"))) {
            Collections.reverse(items);
        }
        int start = 0;
        int end = items.size();
        if (env.getArgument("after") != null) {
            start = Math.min(end, cursorIndex(env.getArgument("after")) + 1);
        }
        if (env.getArgument("before") != null) {
            end = Math.max(start, Math.min(end, cursorIndex(env.getArgument("before"))));
        }
        int windowStart = start;
        int windowEnd = end;
        if (first != null) {
            windowEnd = Math.min(end, start + first);
        }
        if (last != null) {
            windowStart = Math.max(windowStart, windowEnd - last);
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        List<Object> nodes = new ArrayList<>();
        for (int i = windowStart; i < windowEnd; i++) {
            edges.add(Map.of("cursor", cursor(i), "node", items.get(i)));
            nodes.add(items.get(i));
        }
        Map<String, Object> pageInfo = new LinkedHashMap<>();
        pageInfo.put("hasNextPage", windowEnd < end);
        pageInfo.put("hasPreviousPage", windowStart > start || start > 0);
        pageInfo.put("startCursor", nodes.isEmpty() ? null : cursor(windowStart));
        pageInfo.put("endCursor", nodes.isEmpty() ? null : cursor(windowEnd - 1));
        return Map.of("edges", edges, "nodes", nodes, "pageInfo", pageInfo);
    }

    private static String cursor(int index) {
        return Base64.getEncoder().encodeToString(("{\"last_index\":" + index + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static int cursorIndex(String cursor) {
        try {
            String json = new String(Base64.getDecoder().decode(cursor), StandardCharsets.UTF_8);
            return Integer.parseInt(json.replaceAll("\\D", ""));
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    static DataFetcherResult<Object> error(DataFetchingEnvironment env, String message) {
        return DataFetcherResult.newResult().error(GraphqlErrorBuilder.newError(env).message(message).build()).build();
    }

    private static GraphQLScalarType stringScalar(String name) {
        return GraphQLScalarType.newScalar().name(name).coercing(new Coercing<Object, String>() {
            @Override
            public String serialize(Object value) {
                return value instanceof Instant instant ? instant.truncatedTo(ChronoUnit.SECONDS).toString()
                        : value.toString();
            }

            @Override
            public Object parseValue(Object input) {
                if (!(input instanceof String)) {
                    throw new graphql.schema.CoercingParseValueException("Expected a string for " + name);
                }
                return input;
            }

            @Override
            public Object parseLiteral(Object input) {
                if (!(input instanceof StringValue value)) {
                    throw new graphql.schema.CoercingParseLiteralException("Expected a string for " + name);
                }
                return value.getValue();
            }
        }).build();
    }
}

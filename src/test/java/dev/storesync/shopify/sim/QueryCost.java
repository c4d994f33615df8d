package dev.storesync.shopify.sim;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.schema.GraphQLCompositeType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.List;
import java.util.Map;

/**
 * Approximates Shopify's calculated query cost: scalars and enums 0, objects 1, connections
 * {@code 2 + first × (cost of one node)}, lists with a {@code first} argument multiplied by it,
 * {@code nodes(ids:)} by the number of ids, mutations 10. The requested cost is computed from the document before execution; the actual cost
 * from the data that came back, so a short page refunds the difference, as at Shopify.
 */
public final class QueryCost {

    /** Shopify's flat price of a mutation field. */
    public static final int MUTATION_COST = 10;

    /** The most a single query may cost at Shopify. */
    public static final int MAX_SINGLE_QUERY_COST = 1000;

    private final GraphQLSchema schema;
    private final OperationDefinition operation;
    private final Map<String, Object> variables;
    private final Map<String, FragmentDefinition> fragments;

    /** Prices the named operation (or the only one) of a valid document. */
    public QueryCost(GraphQLSchema schema, Document document, String operationName, Map<String, Object> variables) {
        this.schema = schema;
        this.operation = document.getDefinitionsOfType(OperationDefinition.class).stream()
                .filter(op -> operationName == null || operationName.equals(op.getName()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no operation " + operationName));
        this.variables = variables == null ? Map.of() : variables;
        this.fragments = document.getDefinitionsOfType(FragmentDefinition.class).stream()
                .collect(java.util.stream.Collectors.toMap(FragmentDefinition::getName, f -> f));
    }

    public boolean isMutation() {
        return operation.getOperation() == OperationDefinition.Operation.MUTATION;
    }

    public OperationDefinition operation() {
        return operation;
    }

    /** The cost Shopify would reserve before running the operation. */
    public int requested() {
        if (isMutation()) {
            return MUTATION_COST * operation.getSelectionSet().getSelections().size();
        }
        return requested(operation.getSelectionSet(), schema.getQueryType());
    }

    /** The cost of what was actually returned in {@code data}. */
    public int actual(Map<String, Object> data) {
        if (isMutation()) {
            return requested();
        }
        return actual(operation.getSelectionSet(), schema.getQueryType(), data);
    }

    private int requested(SelectionSet selectionSet, GraphQLCompositeType parent) {
        int cost = 0;
        for (Selection<?> selection : selectionSet.getSelections()) {
            if (selection instanceof Field field) {
                cost += requested(field, parent);
            } else if (selection instanceof InlineFragment inline) {
                cost += requested(inline.getSelectionSet(), typeOf(inline.getTypeCondition() == null ? null
                        : inline.getTypeCondition().getName(), parent));
            } else if (selection instanceof FragmentSpread spread && fragments.containsKey(spread.getName())) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                cost += requested(fragment.getSelectionSet(), typeOf(fragment.getTypeCondition().getName(), parent));
            }
        }
        return cost;
    }

    private int requested(Field field, GraphQLCompositeType parent) {
        GraphQLFieldDefinition definition = definition(parent, field);
        if (definition == null || field.getSelectionSet() == null) {
            return 0;
        }
        GraphQLCompositeType type = (GraphQLCompositeType) GraphQLTypeUtil.unwrapAll(definition.getType());
        if (isConnection(type)) {
            int size = intArgument(field, "first", intArgument(field, "last", 0));
            return 2 + size * perNode(field.getSelectionSet(), type);
        }
        int one = 1 + requested(field.getSelectionSet(), type);
        if (!isList(definition.getType())) {
            return one;
        }
        // nodes(ids:) is priced per id asked for, as at Shopify; other lists by their first argument.
        Integer ids = listArgumentSize(field, "ids");
        return (ids != null ? ids : intArgument(field, "first", 1)) * one;
    }

    private int perNode(SelectionSet connectionSelection, GraphQLCompositeType connection) {
        int perNode = 0;
        for (Field child : connectionSelection.getSelectionsOfType(Field.class)) {
            GraphQLFieldDefinition definition = definition(connection, child);
            if (definition == null || child.getSelectionSet() == null || child.getName().equals("pageInfo")) {
                continue;
            }
            GraphQLCompositeType element = (GraphQLCompositeType) GraphQLTypeUtil.unwrapAll(definition.getType());
            // edges { node } and nodes describe the same objects: price them once
            perNode = Math.max(perNode, child.getName().equals("edges")
                    ? requested(child.getSelectionSet(), element)
                    : 1 + requested(child.getSelectionSet(), element));
        }
        return perNode;
    }

    @SuppressWarnings("unchecked")
    private int actual(SelectionSet selectionSet, GraphQLCompositeType parent, Map<String, Object> data) {
        if (data == null) {
            return 0;
        }
        int cost = 0;
        for (Selection<?> selection : selectionSet.getSelections()) {
            if (selection instanceof Field field) {
                GraphQLFieldDefinition definition = definition(parent, field);
                Object value = data.get(field.getResultKey());
                if (definition == null || field.getSelectionSet() == null || value == null) {
                    continue;
                }
                GraphQLCompositeType type = (GraphQLCompositeType) GraphQLTypeUtil.unwrapAll(definition.getType());
                if (isConnection(type) && value instanceof Map<?, ?> connection) {
                    cost += 2 + actualNodes(field.getSelectionSet(), type, (Map<String, Object>) connection);
                } else if (value instanceof List<?> list) {
                    for (Object element : list) {
                        cost += 1 + actual(field.getSelectionSet(), type, (Map<String, Object>) element);
                    }
                } else if (value instanceof Map<?, ?> object) {
                    cost += 1 + actual(field.getSelectionSet(), type, (Map<String, Object>) object);
                }
            } else if (selection instanceof InlineFragment inline) {
                cost += actual(inline.getSelectionSet(), typeOf(inline.getTypeCondition() == null ? null
                        : inline.getTypeCondition().getName(), parent), data);
            } else if (selection instanceof FragmentSpread spread && fragments.containsKey(spread.getName())) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                cost += actual(fragment.getSelectionSet(), typeOf(fragment.getTypeCondition().getName(), parent), data);
            }
        }
        return cost;
    }

    @SuppressWarnings("unchecked")
    private int actualNodes(SelectionSet connectionSelection, GraphQLCompositeType connection, Map<String, Object> data) {
        int best = 0;
        for (Field child : connectionSelection.getSelectionsOfType(Field.class)) {
            GraphQLFieldDefinition definition = definition(connection, child);
            Object value = data.get(child.getResultKey());
            if (definition == null || child.getSelectionSet() == null || child.getName().equals("pageInfo")
                    || !(value instanceof List<?> list)) {
                continue;
            }
            GraphQLCompositeType element = (GraphQLCompositeType) GraphQLTypeUtil.unwrapAll(definition.getType());
            int cost = 0;
            for (Object item : list) {
                cost += child.getName().equals("edges")
                        ? actual(child.getSelectionSet(), element, (Map<String, Object>) item)
                        : 1 + actual(child.getSelectionSet(), element, (Map<String, Object>) item);
            }
            best = Math.max(best, cost);
        }
        return best;
    }

    private Integer listArgumentSize(Field field, String name) {
        Value<?> value = field.getArguments().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(graphql.language.Argument::getValue).orElse(null);
        if (value instanceof graphql.language.ArrayValue array) {
            return array.getValues().size();
        }
        if (value instanceof VariableReference reference && variables.get(reference.getName()) instanceof List<?> list) {
            return list.size();
        }
        return null;
    }

    private int intArgument(Field field, String name, int fallback) {
        return field.getArguments().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(a -> intValue(a.getValue(), fallback)).orElse(fallback);
    }

    private int intValue(Value<?> value, int fallback) {
        if (value instanceof IntValue literal) {
            return literal.getValue().intValue();
        }
        if (value instanceof VariableReference reference) {
            Object given = variables.get(reference.getName());
            if (given instanceof Number number) {
                return number.intValue();
            }
            return operation.getVariableDefinitions().stream()
                    .filter(v -> v.getName().equals(reference.getName()))
                    .map(VariableDefinition::getDefaultValue)
                    .filter(IntValue.class::isInstance)
                    .map(v -> ((IntValue) v).getValue().intValue())
                    .findFirst().orElse(fallback);
        }
        return fallback;
    }

    private GraphQLCompositeType typeOf(String name, GraphQLCompositeType fallback) {
        if (name == null) {
            return fallback;
        }
        GraphQLType type = schema.getType(name);
        return type instanceof GraphQLCompositeType composite ? composite : fallback;
    }

    private static GraphQLFieldDefinition definition(GraphQLCompositeType parent, Field field) {
        if (field.getName().startsWith("__") || !(parent instanceof GraphQLFieldsContainer container)) {
            return null;
        }
        return container.getFieldDefinition(field.getName());
    }

    private static boolean isConnection(GraphQLType type) {
        return type instanceof GraphQLNamedType named && named.getName().endsWith("Connection");
    }

    private static boolean isList(GraphQLType type) {
        return GraphQLTypeUtil.isList(GraphQLTypeUtil.unwrapNonNull(type));
    }
}

package dev.storesync.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.storesync.shopify.sim.QueryCost;
import graphql.introspection.IntrospectionResultToSchema;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.parser.Parser;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLImplementingType;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.GraphQLUnionType;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every GraphQL document the service sends to Shopify against Shopify's real Admin schema
 * (the saved 2025-01 introspection), and checks that the simulator's schema is a faithful subset of
 * it, so a document accepted by the simulator is accepted by Shopify.
 */
class ShopifyGraphqlContractTest {

    /**
     * Fields newer than the saved 2025-01 schema that the documents may use. Each entry is the SDL
     * of the field, added to the 2025-01 type before validation, and why we need it. Keep it short:
     * every entry is a field no schema file here can vouch for.
     */
    static final Map<String, NewerField> NEWER_FIELDS = Map.of(
            "Customer.defaultEmailAddress", new NewerField("defaultEmailAddress: CustomerEmailAddress",
                    "added in 2025-04 (changelog 'Adding defaultEmailAddress field to Customer'); "
                            + "Customer.email is deprecated in 2025-01 in its favour"),
            "InventoryQuantityInput.changeFromQuantity", new NewerField("changeFromQuantity: Int",
                    "added in 2026-01; from 2026-04 every quantity of inventorySetQuantities must carry it "
                            + "explicitly (changelog 2025-12-12, 'compare quantity' replaced); the inventory sweep "
                            + "sends the owner's last-read value"),
            "InventorySetQuantitiesUserErrorCode.CHANGE_FROM_QUANTITY_STALE", new NewerField(
                    "CHANGE_FROM_QUANTITY_STALE", "added in 2026-04 with changeFromQuantity: the stored quantity "
                            + "no longer equals changeFromQuantity; the inventory sweep re-reads and retries once"),
            "InventorySetQuantitiesUserErrorCode.IDEMPOTENCY_KEY_PARAMETER_MISMATCH", new NewerField(
                    "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", "added in 2026-04 with @idempotent: the key was used "
                            + "with other input; the sweep derives a fresh key for every different call"),
            "InventorySetQuantitiesUserErrorCode.IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", new NewerField(
                    "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", "added in 2026-04 with @idempotent: the key's first "
                            + "attempt was refused; retries after a refusal use a new key"));

    /**
     * Directives newer than the saved 2025-01 schema, by name: their SDL, added before validation,
     * and why we need them.
     */
    static final Map<String, NewerField> NEWER_DIRECTIVES = Map.of(
            "idempotent", new NewerField("directive @idempotent(key: String!) on FIELD",
                    "added in 2026-01 on inventory mutations and required at runtime from 2026-04 (changelog "
                            + "2025-12-12); InventorySetAvailableIdempotent sends a key derived from run, partner "
                            + "and batch, so a resent write is applied once"));

    record NewerField(String sdl, String why) {
    }

    static final Path DOCUMENTS = Path.of("src", "main", "resources", "graphql");
    static final String SIMULATOR_SDL = "/shopify-sim/admin-subset.graphqls";

    static GraphQLSchema shopify;

    @BeforeAll
    static void loadShopifySchema() throws IOException {
        Path file = schemaFile();
        if (!Files.isRegularFile(file)) {
            fail("Shopify's Admin schema is missing at " + file.toAbsolutePath()
                    + " (see src/test/resources/shopify/README.md), or set SHOPIFY_ADMIN_SCHEMA to a schema file");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> introspection;
        try (InputStream in = Files.newInputStream(file)) {
            introspection = new ObjectMapper().readValue(
                    file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in, Map.class);
        }
        @SuppressWarnings("unchecked")
        Document sdl = new IntrospectionResultToSchema().createSchemaDefinition(
                (Map<String, Object>) introspection.get("data"));
        TypeDefinitionRegistry registry = new SchemaParser().buildRegistry(sdl);
        Map<String, List<String>> extensions = NEWER_FIELDS.entrySet().stream().collect(Collectors.groupingBy(
                e -> e.getKey().substring(0, e.getKey().indexOf('.')),
                Collectors.mapping(e -> e.getValue().sdl(), Collectors.toList())));
        // A field of an object type, an input field, or an enum value: extend the 2025-01 type in kind.
        extensions.forEach((type, fields) -> registry.merge(new SchemaParser().parse(
                "extend " + kindOf(registry, type) + " " + type + " {\n" + String.join("\n", fields) + "\n}")));
        NEWER_DIRECTIVES.values().forEach(d -> registry.merge(new SchemaParser().parse(d.sdl())));
        shopify = UnExecutableSchemaGenerator.makeUnExecutableSchema(registry);
    }

    private static String kindOf(TypeDefinitionRegistry registry, String type) {
        Object definition = registry.getType(type).orElseThrow(() -> new IllegalStateException(
                "NEWER_FIELDS names " + type + ", which is not in the 2025-01 schema"));
        if (definition instanceof graphql.language.InputObjectTypeDefinition) {
            return "input";
        }
        return definition instanceof graphql.language.EnumTypeDefinition ? "enum" : "type";
    }

    static Path schemaFile() {
        String override = System.getenv("SHOPIFY_ADMIN_SCHEMA");
        return override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of("src", "test", "resources", "shopify", "schema", "admin-schema-2025-01.json.gz");
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentIsValidAtShopify() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).as("GraphQL documents in " + DOCUMENTS).isNotEmpty();
        return documents.stream().map(path -> DynamicTest.dynamicTest(path.getFileName().toString(),
                () -> checkDocument(path)));
    }

    private void checkDocument(Path path) throws IOException {
        String name = path.getFileName().toString().replaceFirst("\\.graphql$", "");
        Document document = Parser.parse(Files.readString(path));
        List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
        assertThat(operations).as("operations in " + path).hasSize(1);
        assertThat(operations.get(0).getName()).as("operation name in " + path).isEqualTo(name);

        List<ValidationError> errors = graphql.ParseAndValidate.validate(shopify, document);
        assertThat(errors).as("validation errors of " + path + " against Shopify's schema").isEmpty();
        assertThat(deprecatedFields(document)).as("deprecated fields used by " + path).isEmpty();

        int cost = new QueryCost(shopify, document, name, Map.of()).requested();
        assertThat(cost).as("requested cost of " + path + " with its default variables")
                .isLessThanOrEqualTo(QueryCost.MAX_SINGLE_QUERY_COST);
    }

    private List<String> deprecatedFields(Document document) {
        List<String> deprecated = new ArrayList<>();
        OperationDefinition operation = document.getDefinitionsOfType(OperationDefinition.class).get(0);
        GraphQLObjectType root = operation.getOperation() == OperationDefinition.Operation.MUTATION
                ? shopify.getMutationType() : shopify.getQueryType();
        collectDeprecated(operation.getSelectionSet(), root, deprecated);
        return deprecated;
    }

    private void collectDeprecated(SelectionSet selections, GraphQLType parent, List<String> deprecated) {
        for (Selection<?> selection : selections.getSelections()) {
            if (selection instanceof InlineFragment inline) {
                collectDeprecated(inline.getSelectionSet(), inline.getTypeCondition() == null ? parent
                        : shopify.getType(inline.getTypeCondition().getName()), deprecated);
            } else if (selection instanceof Field field && parent instanceof GraphQLFieldsContainer container
                    && container.getFieldDefinition(field.getName()) != null) {
                GraphQLFieldDefinition definition = container.getFieldDefinition(field.getName());
                if (definition.isDeprecated()) {
                    deprecated.add(container.getName() + "." + field.getName() + ": "
                            + definition.getDeprecationReason());
                }
                if (field.getSelectionSet() != null) {
                    collectDeprecated(field.getSelectionSet(), GraphQLTypeUtil.unwrapAll(definition.getType()),
                            deprecated);
                }
            }
        }
    }

    @Test
    void simulatorSchemaIsAFaithfulSubsetOfShopifys() throws IOException {
        GraphQLSchema simulator = simulatorSchema();
        List<String> problems = new ArrayList<>();
        for (GraphQLNamedType type : simulator.getAllTypesAsList()) {
            if (type.getName().startsWith("__")) {
                continue;
            }
            GraphQLNamedType real = (GraphQLNamedType) shopify.getType(type.getName());
            if (real == null || !real.getClass().equals(type.getClass())) {
                problems.add(type.getName() + ": no such type at Shopify");
                continue;
            }
            compare(type, real, problems);
        }
        assertThat(problems).isEmpty();
    }

    private void compare(GraphQLNamedType type, GraphQLNamedType real, List<String> problems) {
        if (type instanceof GraphQLFieldsContainer fields) {
            GraphQLFieldsContainer realFields = (GraphQLFieldsContainer) real;
            for (GraphQLFieldDefinition field : fields.getFieldDefinitions()) {
                GraphQLFieldDefinition realField = realFields.getFieldDefinition(field.getName());
                String where = type.getName() + "." + field.getName();
                if (realField == null) {
                    problems.add(where + ": no such field");
                    continue;
                }
                sameType(where, field.getType(), realField.getType(), problems);
                for (GraphQLArgument argument : field.getArguments()) {
                    GraphQLArgument realArgument = realField.getArgument(argument.getName());
                    if (realArgument == null) {
                        problems.add(where + "(" + argument.getName() + "): no such argument");
                    } else {
                        sameType(where + "(" + argument.getName() + ")", argument.getType(), realArgument.getType(),
                                problems);
                    }
                }
                for (GraphQLArgument realArgument : realField.getArguments()) {
                    if (GraphQLTypeUtil.isNonNull(realArgument.getType()) && !realArgument.hasSetDefaultValue()
                            && field.getArgument(realArgument.getName()) == null) {
                        problems.add(where + "(" + realArgument.getName() + "): required argument missing");
                    }
                }
            }
        }
        if (type instanceof GraphQLImplementingType implementing) {
            List<String> realInterfaces = ((GraphQLImplementingType) real).getInterfaces().stream()
                    .map(GraphQLNamedType::getName).toList();
            implementing.getInterfaces().stream().map(GraphQLNamedType::getName)
                    .filter(name -> !realInterfaces.contains(name))
                    .forEach(name -> problems.add(type.getName() + " implements " + name + ": not at Shopify"));
        }
        if (type instanceof GraphQLInputObjectType input) {
            GraphQLInputObjectType realInput = (GraphQLInputObjectType) real;
            for (GraphQLInputObjectField field : input.getFieldDefinitions()) {
                GraphQLInputObjectField realField = realInput.getFieldDefinition(field.getName());
                if (realField == null) {
                    problems.add(type.getName() + "." + field.getName() + ": no such input field");
                } else {
                    sameType(type.getName() + "." + field.getName(), field.getType(), realField.getType(), problems);
                }
            }
            realInput.getFieldDefinitions().stream()
                    .filter(f -> GraphQLTypeUtil.isNonNull(f.getType()) && !f.hasSetDefaultValue())
                    .filter(f -> input.getFieldDefinition(f.getName()) == null)
                    .forEach(f -> problems.add(type.getName() + "." + f.getName() + ": required input field missing"));
        }
        if (type instanceof GraphQLEnumType enumType) {
            GraphQLEnumType realEnum = (GraphQLEnumType) real;
            enumType.getValues().stream().filter(v -> realEnum.getValue(v.getName()) == null)
                    .forEach(v -> problems.add(type.getName() + "." + v.getName() + ": no such enum value"));
        }
        if (type instanceof GraphQLUnionType union) {
            List<String> realMembers = ((GraphQLUnionType) real).getTypes().stream()
                    .map(GraphQLNamedType::getName).toList();
            union.getTypes().stream().map(GraphQLNamedType::getName).filter(m -> !realMembers.contains(m))
                    .forEach(m -> problems.add(type.getName() + " | " + m + ": not a member at Shopify"));
        }
    }

    private static void sameType(String where, GraphQLType mine, GraphQLType real,
            List<String> problems) {
        String a = GraphQLTypeUtil.simplePrint(mine);
        String b = GraphQLTypeUtil.simplePrint(real);
        if (!Objects.equals(a, b)) {
            problems.add(where + ": " + a + " here, " + b + " at Shopify");
        }
    }

    static GraphQLSchema simulatorSchema() throws IOException {
        try (InputStream in = ShopifyGraphqlContractTest.class.getResourceAsStream(SIMULATOR_SDL)) {
            Objects.requireNonNull(in, SIMULATOR_SDL);
            String sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return UnExecutableSchemaGenerator.makeUnExecutableSchema(new SchemaParser().parse(sdl));
        }
    }

    static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.list(DOCUMENTS)) {
            return files.filter(p -> p.toString().endsWith(".graphql")).sorted().toList();
        }
    }
}

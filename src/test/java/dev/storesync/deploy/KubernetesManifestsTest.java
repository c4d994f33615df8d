package dev.storesync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written manifests in deploy/kubernetes: what an operator applying them relies on. Jackson's
 * YAML module is on the class path through the OpenAPI extension.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy", "kubernetes");
    private static final Pattern DEFAULT = Pattern.compile("\\$\\{[A-Z_]+:([^}]*)}");

    @Test
    void shouldRunTwoReplicasWithProbesOnTheHealthPathsOfTheServicePort() throws IOException {
        JsonNode deployment = only("deployment.yaml", "Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(Integer.parseInt(property("quarkus.http.port")));

        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
        }
        // A replica must have come up within the start-up probe's window before liveness can kill it.
        assertThat(container.at("/startupProbe/periodSeconds").asInt() * container.at("/startupProbe/failureThreshold").asInt())
                .isGreaterThanOrEqualTo(30);
    }

    @Test
    void shouldBoundMemoryAndCpuAndGiveTheJvmAHeapBelowTheLimit() throws IOException {
        JsonNode container = only("deployment.yaml", "Deployment").at("/spec/template/spec/containers/0");
        long request = mebibytes(container.at("/resources/requests/memory").asText());
        long limit = mebibytes(container.at("/resources/limits/memory").asText());
        assertThat(request).isPositive().isLessThanOrEqualTo(limit);
        assertThat(container.at("/resources/requests/cpu").asText()).isNotBlank();
        String javaOpts = env(container, "JAVA_OPTS_APPEND");
        Matcher xmx = Pattern.compile("-Xmx(\\d+)m").matcher(javaOpts);
        assertThat(xmx.find()).as("-Xmx in JAVA_OPTS_APPEND").isTrue();
        assertThat(Long.parseLong(xmx.group(1))).isLessThan(limit / 2);
    }

    @Test
    void shouldGiveTheGracefulShutdownTimeToFinishBeforeTheKill() throws IOException {
        JsonNode deployment = only("deployment.yaml", "Deployment");
        Duration needed = duration(property("quarkus.shutdown.delay"))
                .plus(duration(property("quarkus.shutdown.timeout")))
                .plus(duration(property("storesync.shutdown.drain-timeout")));
        assertThat(Duration.ofSeconds(deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asLong()))
                .isGreaterThan(needed);
    }

    @Test
    void shouldTakeEverySecretFromTheSecretAndRouteTheServiceAndBudgetToThePods() throws IOException {
        JsonNode deployment = only("deployment.yaml", "Deployment");
        JsonNode secret = only("secret.yaml", "Secret");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo(secret.at("/metadata/name").asText());
        for (String key : List.of("STORESYNC_DB_PASSWORD", "STORESYNC_CRYPTO_KEYS", "STORESYNC_SHOPIFY_CLIENT_SECRET",
                "STORESYNC_BOOTSTRAP_ADMIN_KEY")) {
            assertThat(secret.at("/stringData/" + key).isTextual()).as(key).isTrue();
            assertThat(env(container, key)).as(key + " must not be a plain env value").isNull();
        }

        JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
        assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(podLabels);
        JsonNode service = only("service.yaml", "Service");
        assertThat(service.at("/spec/selector")).isEqualTo(podLabels);
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        JsonNode budget = only("poddisruptionbudget.yaml", "PodDisruptionBudget");
        assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(podLabels);
        assertThat(budget.at("/spec/minAvailable").asInt()).isBetween(1, deployment.at("/spec/replicas").asInt() - 1);

        List<String> listed = new ArrayList<>();
        only("kustomization.yaml", "Kustomization").at("/resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).containsExactlyInAnyOrder("secret.yaml", "deployment.yaml", "service.yaml",
                "poddisruptionbudget.yaml");
    }

    @Test
    void shouldCallTheInventoryCronEndpointWithTheSecretHeader() throws IOException {
        JsonNode cron = only("cronjob-inventory-sync.yaml", "CronJob");
        assertThat(cron.at("/spec/concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode container = cron.at("/spec/jobTemplate/spec/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.at("/args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsSubsequence("-X", "POST").contains("X-Cron-Secret: $(STORESYNC_CRON_SECRET)");
        assertThat(args.get(args.size() - 1)).isEqualTo("http://"
                + only("service.yaml", "Service").at("/metadata/name").asText() + "/api/cron/inventory-sync");
        JsonNode ref = container.at("/env/0/valueFrom/secretKeyRef");
        assertThat(container.at("/env/0/name").asText()).isEqualTo("STORESYNC_CRON_SECRET");
        assertThat(ref.at("/name").asText()).isEqualTo(only("secret.yaml", "Secret").at("/metadata/name").asText());
        assertThat(only("secret.yaml", "Secret").at("/stringData/" + ref.at("/key").asText()).isTextual()).isTrue();
    }

    private static JsonNode only(String file, String kind) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(DIR.resolve(file));
                MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(reader)) {
            it.forEachRemaining(docs::add);
        }
        assertThat(docs).as(file).hasSize(1);
        JsonNode doc = docs.get(0);
        assertThat(doc.at("/kind").asText()).as(file).isEqualTo(kind);
        assertThat(doc.at("/apiVersion").asText()).as(file).isNotBlank();
        if (!"Kustomization".equals(kind)) {
            assertThat(doc.at("/metadata/name").asText()).as(file).isNotBlank();
        }
        return doc;
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.at("/env")) {
            if (name.equals(e.at("/name").asText())) {
                return e.at("/value").asText(null);
            }
        }
        return null;
    }

    /** The default of a key in application.properties, for `${ENV:default}` values. */
    private static String property(String key) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(reader);
        }
        String value = properties.getProperty(key);
        assertThat(value).as(key).isNotNull();
        Matcher m = DEFAULT.matcher(value);
        return m.matches() ? m.group(1) : value;
    }

    private static Duration duration(String value) {
        return Duration.parse("PT" + value.toUpperCase());
    }

    private static long mebibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        assertThat(quantity).endsWith("Mi");
        return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }
}

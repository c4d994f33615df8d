package dev.storesync.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the {@code orders} ↔ {@code webhooks} cycle broken: webhooks is the handler SPI that
 * features depend on, so no path of imports may lead from it (or from orders) back to itself.
 */
class PackageDependencyTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "dev", "storesync");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?dev\\.storesync\\.([a-z0-9]+)\\.",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.storesync\\.([a-z0-9]+)\\.[A-Z]");

    @Test
    void shouldKeepOrdersAndWebhooksOutOfAnyPackageCycle() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        for (String start : List.of("webhooks", "orders")) {
            List<String> cycle = cycleThrough(start, graph);
            assertThat(cycle).as("a cycle of top-level packages through " + start).isEmpty();
        }
        assertThat(graph.getOrDefault("webhooks", Set.of())).doesNotContain("orders", "shipments");
    }

    /** Top-level package → the top-level packages its sources refer to. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String from = relative.getName(0).toString();
                String source = Files.readString(file);
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (Pattern pattern : List.of(IMPORT, QUALIFIED)) {
                    Matcher m = pattern.matcher(source);
                    while (m.find()) {
                        if (!m.group(1).equals(from)) {
                            to.add(m.group(1));
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** A path start → … → start, or empty when there is none. */
    private static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
        return search(start, start, graph, new ArrayList<>(List.of(start)), new TreeSet<>());
    }

    private static List<String> search(String start, String at, Map<String, Set<String>> graph, List<String> path,
            Set<String> visited) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (visited.add(next)) {
                path.add(next);
                List<String> found = search(start, next, graph, path, visited);
                if (!found.isEmpty()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }
}

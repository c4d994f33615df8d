package dev.storesync.kernel;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.Deployment;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.handlers.ClassRoutingHandler;
import org.jboss.resteasy.reactive.server.handlers.RestInitialHandler;
import org.jboss.resteasy.reactive.server.mapping.RequestMapper;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;
import org.jboss.resteasy.reactive.server.spi.ServerRestHandler;

/**
 * The HTTP methods a request's path supports, for the {@code Allow} header of a 405. RESTEasy
 * Reactive answers 405 without one, so the path is matched again here against the same route
 * tables it used (its public mapping API; no reflection), keeping only the methods whose
 * resource methods match the path.
 */
final class AllowedMethods {

    private static volatile Routes routes;

    private AllowedMethods() {
    }

    private record Routes(Deployment deployment, RequestMapper<RestInitialHandler.InitialMatch> classes) {
    }

    /** E.g. {@code "GET, HEAD, OPTIONS, POST"}, or null when unknown (no request, or nothing matches). */
    static String ofCurrentRequest() {
        ResteasyReactiveRequestContext request = CurrentRequestManager.get();
        if (request == null) {
            return null;
        }
        Set<String> allowed = new TreeSet<>();
        String path = request.getPathWithoutPrefix();
        RequestMapper<RestInitialHandler.InitialMatch> classes = routes(request.getDeployment());
        for (RequestMapper.RequestMatch<RestInitialHandler.InitialMatch> match = classes.map(path); match != null;
                match = classes.continueMatching(path, match)) {
            String remaining = match.remaining == null || match.remaining.isEmpty() ? "/" : match.remaining;
            for (ServerRestHandler handler : match.value.handlers) {
                if (handler instanceof ClassRoutingHandler routing) {
                    for (Map.Entry<String, RequestMapper<RuntimeResource>> byMethod : routing.getMappers().entrySet()) {
                        if (byMethod.getKey() != null && byMethod.getValue().map(remaining) != null) {
                            allowed.add(byMethod.getKey());
                        }
                    }
                }
            }
        }
        if (allowed.isEmpty()) {
            return null;
        }
        // RESTEasy Reactive answers these two for every path that has a GET, or any method.
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        return String.join(", ", allowed);
    }

    private static RequestMapper<RestInitialHandler.InitialMatch> routes(Deployment deployment) {
        Routes current = routes;
        if (current == null || current.deployment() != deployment) {
            current = new Routes(deployment, new RequestMapper<>(deployment.getClassMappers()));
            routes = current;
        }
        return current.classes();
    }
}

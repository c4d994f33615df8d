package dev.storesync.operations.orders.actions;

import dev.storesync.kernel.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every answer of an action path is the v1.2 envelope, also when the request fails before the
 * action runs (no key, wrong role, unreadable JSON): the problem document the mappers made is
 * answered as {@link ActionDtos.Failure}, envelope and problem fields in one, still as
 * {@code application/problem+json}.
 */
public class ActionEnvelopeFilter {

    static final Set<String> PATHS = Set.of("/sync/orders/assign", "/sync/orders/fulfill", "/sync/orders/support",
            "/sync/orders/returns");

    @ServerResponseFilter
    public void envelope(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem problem && PATHS.contains(trimmed(request.getUriInfo().getPath()))) {
            response.setEntity(ActionDtos.Failure.of(problem));
        }
    }

    private static String trimmed(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}

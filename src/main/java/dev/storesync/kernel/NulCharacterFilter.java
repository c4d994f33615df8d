package dev.storesync.kernel;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses U+0000 in every query and path parameter, before any resource reads them: PostgreSQL
 * text cannot hold it, so a value carrying one would otherwise fail deep inside a query with a
 * 500. The answer is 422 naming the parameter, like any other invalid value. JSON bodies are
 * checked by {@link JsonInput}; header values never get here with one, because the HTTP decoder
 * (Netty) already answers such a request 400.
 */
public class NulCharacterFilter {

    private static final String MESSAGE = "must not contain NUL (U+0000) characters";

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public Response refuseNulCharacters(ContainerRequestContext request) {
        String parameter = firstWithNul(request.getUriInfo().getPathParameters(true));
        if (parameter == null) {
            parameter = firstWithNul(request.getUriInfo().getQueryParameters(true));
        }
        if (parameter != null) {
            String name = printable(parameter);
            return ProblemMappers.respond(Problem.of(422, "validation", "Request not valid",
                    "Parameter '" + name + "' " + MESSAGE + ".").withErrors(List.of(new Problem.FieldError(name, MESSAGE))));
        }
        return null;
    }

    /** The first name whose name or one of whose values contains U+0000, or null. */
    private static String firstWithNul(MultivaluedMap<String, String> values) {
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            if (hasNul(entry.getKey())) {
                return entry.getKey();
            }
            for (String value : entry.getValue()) {
                if (hasNul(value)) {
                    return entry.getKey();
                }
            }
        }
        return null;
    }

    private static boolean hasNul(String text) {
        return text != null && text.indexOf('\u0000') >= 0;
    }

    private static String printable(String name) {
        return name.replace("\u0000", "\\u0000");
    }
}

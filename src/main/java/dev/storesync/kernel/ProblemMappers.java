package dev.storesync.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code application/problem+json}. Responses never carry exception
 * class names or stack traces; unexpected failures are logged with an id the operator can quote.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthorized(RuntimeException e) {
        return Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"storesync\"")
                .entity(Problem.of(401, "unauthorized", "Unauthorized",
                        "Send a valid, unrevoked API key as 'Authorization: Bearer <key>'."))
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "forbidden", "Forbidden",
                "This API key's role does not allow this operation."));
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        return respond(Problem.of(422, "validation", "Request not valid",
                "The request has " + errors.size() + " invalid field(s).").withErrors(errors));
    }

    @ServerExceptionMapper({ JsonProcessingException.class, MismatchedInputException.class, InvalidFormatException.class })
    public Response badJson(JsonProcessingException e) {
        // Well-formed JSON whose value the field cannot take is a field error, like Bean Validation's.
        if (e instanceof NulCharacterException nul && !nul.getPath().isEmpty()) {
            return respond(invalidValue(pathOf(nul), "must not contain NUL (U+0000) characters"));
        }
        if (e instanceof InvalidFormatException ife && !ife.getPath().isEmpty() && isFractionForInteger(ife)) {
            return respond(invalidValue(pathOf(ife), "must be a whole number"));
        }
        String detail = "The request body is not valid JSON.";
        if (e instanceof InvalidFormatException ife && !ife.getPath().isEmpty()) {
            detail = "Field '" + pathOf(ife) + "' has a value of the wrong type.";
        } else if (e instanceof MismatchedInputException mie && !mie.getPath().isEmpty()) {
            detail = "Field '" + pathOf(mie) + "' has a value of the wrong shape.";
        }
        return respond(Problem.of(400, "malformed-json", "Malformed request body", detail));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info != null ? info.getReasonPhrase() : "HTTP " + status;
        String detail = switch (status) {
            case 404 -> "No resource at this path.";
            case 405 -> "This path does not support the request's HTTP method.";
            case 406 -> "The requested media type is not available here.";
            case 415 -> "The request's content type is not supported here.";
            case 400 -> "The request could not be read.";
            default -> title;
        };
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, slug(title), title, detail));
        if (e instanceof NotAllowedException) {
            String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
            if (allow == null) {
                allow = AllowedMethods.ofCurrentRequest();
            }
            if (allow != null) {
                builder.header(HttpHeaders.ALLOW, allow);
            }
        }
        return builder.build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        String incident = java.util.UUID.randomUUID().toString();
        Log.errorf(e, "Unexpected failure, incident %s", incident);
        return respond(Problem.of(500, "internal", "Internal error",
                "Something went wrong on our side. Quote incident " + incident + " when reporting it."));
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static Problem invalidValue(String field, String message) {
        return Problem.of(422, "validation", "Request not valid", "The request has 1 invalid field(s).")
                .withErrors(List.of(new Problem.FieldError(field, message)));
    }

    private static boolean isFractionForInteger(InvalidFormatException e) {
        Class<?> target = e.getTargetType();
        boolean integral = target == int.class || target == Integer.class || target == long.class || target == Long.class
                || target == short.class || target == Short.class || target == java.math.BigInteger.class;
        return integral && (e.getValue() instanceof Double || e.getValue() instanceof Float
                || e.getValue() instanceof java.math.BigDecimal);
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // Method-parameter paths look like "create.body.domain"; the client knows only "domain".
        // A node's index says where the node sits in the previous node's list ("lines[0].quantity"),
        // and a list element's own node ("<list element>") is no field the client knows.
        List<String> nodes = new ArrayList<>();
        for (Path.Node n : violation.getPropertyPath()) {
            if (n.isInIterable() && !nodes.isEmpty()) {
                Object at = n.getIndex() != null ? n.getIndex() : n.getKey();
                nodes.set(nodes.size() - 1, nodes.get(nodes.size() - 1) + "[" + (at == null ? "" : at) + "]");
            }
            if (n.getKind() != ElementKind.CONTAINER_ELEMENT) {
                nodes.add(n.getName());
            }
        }
        int skip = Math.min(2, Math.max(0, nodes.size() - 1));
        return String.join(".", nodes.subList(skip, nodes.size()));
    }

    private static String pathOf(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String slug(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}

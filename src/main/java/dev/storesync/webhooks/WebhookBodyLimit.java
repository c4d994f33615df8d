package dev.storesync.webhooks;

import dev.storesync.kernel.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Applies {@code storesync.webhooks.max-body-size} while the webhook body arrives, instead of
 * after the whole body (up to the global {@code quarkus.http.limits.max-body-size}) has been
 * buffered: a declared {@code Content-Length} over the limit is answered 413 before any of the
 * body is read, and a body without one (chunked) is counted as it arrives and answered 413 as
 * soon as it passes the limit, the rest left unread and the connection closed. A body within the
 * limit is handed on as read, so the signature is still checked over exactly these bytes.
 */
public class WebhookBodyLimit {

    /** Marks the resource methods whose body this filter reads. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ ElementType.TYPE, ElementType.METHOD })
    public @interface Enforced {
    }

    private final WebhookConfig config;

    public WebhookBodyLimit(WebhookConfig config) {
        this.config = config;
    }

    @Enforced
    @ServerRequestFilter
    public Uni<Response> readWithinLimit(ContainerRequestContext context, HttpServerRequest request) {
        long limit = config.maxBodySize().asLongValue();
        if (declaredLength(request) > limit) {
            return Uni.createFrom().item(tooLarge(limit));
        }
        if (request.isEnded()) {
            // Already read by someone else: WebhookIntakeService checks the size of what it is given.
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().emitter(emitter -> {
            Buffer body = Buffer.buffer();
            boolean[] finished = { false };
            request.pause();
            request.handler(chunk -> {
                if (finished[0]) {
                    return;
                }
                if (body.length() + (long) chunk.length() > limit) {
                    finished[0] = true;
                    request.pause();
                    emitter.complete(tooLarge(limit));
                    return;
                }
                body.appendBuffer(chunk);
            });
            request.exceptionHandler(failure -> {
                if (!finished[0]) {
                    finished[0] = true;
                    emitter.fail(failure);
                }
            });
            request.endHandler(ignored -> {
                if (!finished[0]) {
                    finished[0] = true;
                    context.setEntityStream(new ByteArrayInputStream(body.getBytes()));
                    emitter.complete(null);
                }
            });
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                request.response().writeContinue();
            }
            request.resume();
        });
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Response tooLarge(long limit) {
        // The unread rest of the body would otherwise still have to cross the connection.
        return Response.status(413).type(Problem.MEDIA_TYPE).header(HttpHeaders.CONNECTION.toString(), "close")
                .entity(Problem.of(413, "payload-too-large", "Payload too large",
                        "Webhook bodies are limited to " + limit + " bytes."))
                .build();
    }
}

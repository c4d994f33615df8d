package dev.storesync.kernel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.arc.Arc;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;

/**
 * How request bodies are read, for every endpoint at once: a fractional number is not truncated
 * into an integer field ({@code "quantity": 1.5} is refused, not stored as 1), and no string value
 * may hold U+0000, which PostgreSQL text cannot store. The NUL rule is only for our API's request
 * bodies: the application's ObjectMapper also parses every Vert.x {@code JsonObject} (Shopify's
 * answers and webhooks), where a NUL in a note must not make the whole answer unreadable.
 */
@Provider
public class JsonInput implements ObjectMapperCustomizer, ContextResolver<ObjectMapper> {

    private volatile ObjectMapper requests;

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        ObjectMapper mapper = requests;
        if (mapper == null) {
            mapper = Arc.container().instance(ObjectMapper.class).get().copy()
                    .registerModule(new SimpleModule("storesync-request-json").addDeserializer(String.class, new NoNulStrings()));
            requests = mapper;
        }
        return mapper;
    }

    /** Jackson's own String reading, then a refusal of U+0000. */
    static final class NoNulStrings extends StdScalarDeserializer<String> {

        private static final long serialVersionUID = 1L;

        NoNulStrings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (value != null && value.indexOf('\u0000') >= 0) {
                throw new NulCharacterException(parser);
            }
            return value;
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public Object getEmptyValue(DeserializationContext context) {
            return "";
        }

        @Override
        public boolean isCachable() {
            return true;
        }
    }
}

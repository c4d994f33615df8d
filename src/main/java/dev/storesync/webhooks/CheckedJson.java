package dev.storesync.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The payload as handlers see it: a {@link JsonObject} whose typed getters, at any depth, refuse a
 * value of the wrong JSON type with a {@link PermanentWebhookFailure} naming its path
 * ({@code "payload unreadable: line_items must be an array"}) instead of the plain JsonObject's
 * ClassCastException, which the dispatcher could not tell from a passing failure. Missing and
 * null values behave as in JsonObject; numbers read as strings are accepted as JsonObject does.
 */
final class CheckedJson {

    private CheckedJson() {
    }

    static JsonObject of(JsonObject payload) {
        return payload == null ? null : new CheckedObject(payload.getMap(), "");
    }

    private static Object wrap(Object value, String path) {
        if (value instanceof Map<?, ?> map) {
            return new CheckedObject(cast(map), path);
        }
        if (value instanceof JsonObject object && !(object instanceof CheckedObject)) {
            return new CheckedObject(object.getMap(), path);
        }
        if (value instanceof List<?> list) {
            return new CheckedArray(cast(list), path);
        }
        if (value instanceof JsonArray array && !(array instanceof CheckedArray)) {
            return new CheckedArray(array.getList(), path);
        }
        return value;
    }

    private static JsonObject object(Object value, String path) {
        Object wrapped = wrap(value, path);
        if (wrapped == null || wrapped instanceof JsonObject) {
            return (JsonObject) wrapped;
        }
        throw PermanentWebhookFailure.unreadablePayload(path + " must be an object");
    }

    private static JsonArray array(Object value, String path) {
        Object wrapped = wrap(value, path);
        if (wrapped == null || wrapped instanceof JsonArray) {
            return (JsonArray) wrapped;
        }
        throw PermanentWebhookFailure.unreadablePayload(path + " must be an array");
    }

    private static void expectScalar(Object value, String path) {
        if (value instanceof Map || value instanceof List || value instanceof JsonObject || value instanceof JsonArray) {
            throw PermanentWebhookFailure.unreadablePayload(path + " must be a string");
        }
    }

    private static void expectNumber(Object value, String path) {
        if (value != null && !(value instanceof Number)) {
            throw PermanentWebhookFailure.unreadablePayload(path + " must be a number");
        }
    }

    private static void expectBoolean(Object value, String path) {
        if (value != null && !(value instanceof Boolean)) {
            throw PermanentWebhookFailure.unreadablePayload(path + " must be true or false");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> cast(List<?> list) {
        return (List<Object>) list;
    }

    /** The variants with a default value call these, so overriding the one-argument getters covers them. */
    private static final class CheckedObject extends JsonObject {

        private final String path;

        CheckedObject(Map<String, Object> map, String path) {
            super(map);
            this.path = path;
        }

        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        @Override
        public String getString(String key) {
            expectScalar(getMap().get(key), at(key));
            return super.getString(key);
        }

        @Override
        public Number getNumber(String key) {
            expectNumber(getMap().get(key), at(key));
            return super.getNumber(key);
        }

        @Override
        public Integer getInteger(String key) {
            expectNumber(getMap().get(key), at(key));
            return super.getInteger(key);
        }

        @Override
        public Long getLong(String key) {
            expectNumber(getMap().get(key), at(key));
            return super.getLong(key);
        }

        @Override
        public Double getDouble(String key) {
            expectNumber(getMap().get(key), at(key));
            return super.getDouble(key);
        }

        @Override
        public Float getFloat(String key) {
            expectNumber(getMap().get(key), at(key));
            return super.getFloat(key);
        }

        @Override
        public Boolean getBoolean(String key) {
            expectBoolean(getMap().get(key), at(key));
            return super.getBoolean(key);
        }

        @Override
        public JsonObject getJsonObject(String key) {
            return object(getMap().get(key), at(key));
        }

        @Override
        public JsonArray getJsonArray(String key) {
            return array(getMap().get(key), at(key));
        }

        @Override
        public Object getValue(String key) {
            return wrap(super.getValue(key), at(key));
        }
    }

    private static final class CheckedArray extends JsonArray {

        private final String path;

        CheckedArray(List<Object> list, String path) {
            super(list);
            this.path = path;
        }

        private String at(int index) {
            return path + "[" + index + "]";
        }

        @Override
        public String getString(int index) {
            expectScalar(getList().get(index), at(index));
            return super.getString(index);
        }

        @Override
        public Number getNumber(int index) {
            expectNumber(getList().get(index), at(index));
            return super.getNumber(index);
        }

        @Override
        public Integer getInteger(int index) {
            expectNumber(getList().get(index), at(index));
            return super.getInteger(index);
        }

        @Override
        public Long getLong(int index) {
            expectNumber(getList().get(index), at(index));
            return super.getLong(index);
        }

        @Override
        public Double getDouble(int index) {
            expectNumber(getList().get(index), at(index));
            return super.getDouble(index);
        }

        @Override
        public Float getFloat(int index) {
            expectNumber(getList().get(index), at(index));
            return super.getFloat(index);
        }

        @Override
        public Boolean getBoolean(int index) {
            expectBoolean(getList().get(index), at(index));
            return super.getBoolean(index);
        }

        @Override
        public JsonObject getJsonObject(int index) {
            return object(getList().get(index), at(index));
        }

        @Override
        public JsonArray getJsonArray(int index) {
            return array(getList().get(index), at(index));
        }

        @Override
        public Object getValue(int index) {
            return wrap(super.getValue(index), at(index));
        }

        @Override
        public Iterator<Object> iterator() {
            Iterator<Object> values = getList().iterator();
            return new Iterator<>() {
                private int index;

                @Override
                public boolean hasNext() {
                    return values.hasNext();
                }

                @Override
                public Object next() {
                    return wrap(values.next(), at(index++));
                }

                @Override
                public void remove() {
                    values.remove();
                }
            };
        }
    }
}

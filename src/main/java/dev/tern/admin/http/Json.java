package dev.tern.admin.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.util.Collection;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * JSON of the admin API: field names in snake_case, absent values left out, and strict reading —
 * an unknown field, a duplicate field, a value of the wrong type (no "true" for true, no 1.5 for 1),
 * {@code null} for a required field or in a list, or trailing text is a 400 naming the field, never
 * a guess. Error messages are written here, so that no class name or parser detail reaches the
 * client.
 */
public final class Json {

    static final ObjectMapper MAPPER = build();

    private Json() {
    }

    private static ObjectMapper build() {
        JsonMapper m = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT,
                        DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Handlers count on a required field having a value and on lists holding no
                // holes: null there is refused here, once, rather than checked by each handler.
                .annotationIntrospector(new RequiredMeansNotNull())
                .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
                .build();
        for (LogicalType t : new LogicalType[]{LogicalType.Textual, LogicalType.Boolean, LogicalType.Integer,
                LogicalType.Float}) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer || t == LogicalType.Float
                            ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, t == LogicalType.Textual ? CoercionAction.TryConvert
                            : CoercionAction.Fail);
        }
        return m;
    }

    /** The mapper, for the OpenAPI document (the same field names as on the wire). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Reads a request body.
     *
     * @throws ApiException 400 {@code invalid_json} when the body is missing or not JSON,
     *                      400 {@code invalid_field} when it does not fit {@code type}
     */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw ApiException.invalidJson("this request needs a JSON body");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.invalidJson("the body is null; expected a JSON object");
            }
            return value;
        } catch (StreamReadException e) {
            throw ApiException.invalidJson("the body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (InvalidNullException e) {
            throw ApiException.invalidField("field \"" + path(e) + "\" must not be null");
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalidField("unknown field \"" + path(e) + "\"; the fields are: "
                    + known(e.getKnownPropertyIds()));
        } catch (ValueInstantiationException e) {
            throw ApiException.invalidField("the body does not fit: " + fieldOf(e));
        } catch (InvalidDefinitionException e) {
            throw new IllegalStateException("cannot read " + type.getSimpleName() + " from JSON", e);
        } catch (MismatchedInputException e) {
            String field = path(e);
            String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (raw.startsWith("Missing required creator property")) {
                throw ApiException.invalidField("field \"" + field + "\" is required");
            }
            if (raw.contains("trailing token")) {
                throw ApiException.invalidJson("the body has more after its JSON value");
            }
            if (field.isEmpty()) {
                throw ApiException.invalidJson("the body must be a JSON object");
            }
            throw ApiException.invalidField("field \"" + field + "\" must be " + describe(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw ApiException.invalidField("the body does not fit: " + fieldOf(e));
        } catch (JacksonException e) {
            throw ApiException.invalidJson("the body is not valid JSON");
        } catch (IOException e) {
            throw ApiException.invalidJson("the body cannot be read");
        }
    }

    /**
     * Reads {@code @JsonProperty(required = true)} as "present and not null": Jackson alone takes
     * an explicit null as present, and would hand the handler a null it was told cannot come.
     */
    private static final class RequiredMeansNotNull extends JacksonAnnotationIntrospector {
        @Override
        public JsonSetter.Value findSetterInfo(Annotated a) {
            JsonSetter.Value info = super.findSetterInfo(a);
            JsonProperty property = a.getAnnotation(JsonProperty.class);
            return property != null && property.required() ? info.withValueNulls(Nulls.FAIL) : info;
        }
    }

    private static String fieldOf(JsonMappingException e) {
        String p = path(e);
        return p.isEmpty() ? "wrong shape" : "field \"" + p + "\"";
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "" : new TreeSet<>(ids.stream().map(String::valueOf).toList()).stream()
                .collect(Collectors.joining(", "));
    }

    /** The kind of JSON value a Java type is read from, in words. */
    static String describe(Class<?> t) {
        if (t == null) {
            return "of another type";
        }
        if (t == String.class || t.isEnum()) {
            return "a string";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(t) || t.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "a list";
        }
        return "an object";
    }

}

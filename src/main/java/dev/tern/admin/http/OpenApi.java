package dev.tern.admin.http;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 document of the admin API, made from the route table: every route with its
 * summary, scope, parameters and bodies, and a JSON Schema for every body type, read from the
 * Java records with the same Jackson configuration that writes them. Nothing is written by hand,
 * so the document describes exactly what the server does.
 */
public final class OpenApi {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ObjectMapper mapper = Json.mapper();
    private final Map<String, ObjectNode> schemas = new TreeMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();

    private OpenApi() {
    }

    /** The document for the routes of {@code table}. */
    public static ObjectNode document(RouteTable table, String version) {
        return new OpenApi().build(table.routes(), version);
    }

    private ObjectNode build(List<Route> routes, String version) {
        ObjectNode doc = F.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Tern admin API");
        info.put("version", version);
        info.put("description", "Domains, accounts, aliases and the mail queue of a Tern mail server. "
                + "Authenticate with an API token (Authorization: Bearer tern_…) or a console session "
                + "(POST /api/session; then send X-CSRF-Token with every change). Errors are "
                + "{\"error\": {\"code\", \"message\"}}.");
        ObjectNode paths = doc.putObject("paths");
        for (Route r : routes) {
            ObjectNode item = paths.has(r.pattern()) ? (ObjectNode) paths.get(r.pattern()) : paths.putObject(r.pattern());
            item.set(r.method().toLowerCase(Locale.ROOT), operation(r));
        }
        ObjectNode components = doc.putObject("components");
        ObjectNode security = components.putObject("securitySchemes");
        security.putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "An API token made with POST /api/tokens or `tern admin token create`");
        security.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", "tern_session")
                .put("description", "A console login (POST /api/session); changes also need X-CSRF-Token");
        ObjectNode error = ref(ErrorBody.class);
        components.putObject("responses").putObject("Error").put("description", "The request failed")
                .putObject("content").putObject(ApiResponse.JSON).set("schema", error);
        ObjectNode s = components.putObject("schemas");
        schemas.forEach(s::set);
        return doc;
    }

    private ObjectNode operation(Route r) {
        ObjectNode op = F.objectNode();
        op.put("operationId", operationId(r));
        op.put("summary", r.summary());
        op.putArray("tags").add(r.tag());
        Access a = r.access();
        op.put("x-tern-scope", switch (a.kind()) {
            case PUBLIC -> "none";
            case AUTHENTICATED -> "any";
            case SCOPE -> a.scope().wireName();
            case LOOPBACK_OR_SCOPE -> "none from loopback, else " + a.scope().wireName();
        });
        ArrayNode security = op.putArray("security");
        switch (a.kind()) {
            case PUBLIC -> {
            }
            case LOOPBACK_OR_SCOPE -> {
                security.addObject();
                security.addObject().putArray("bearer");
            }
            default -> {
                security.addObject().putArray("bearer");
                security.addObject().putArray("session");
            }
        }
        if (!r.params().isEmpty()) {
            ArrayNode params = op.putArray("parameters");
            for (Route.Param p : r.params()) {
                ObjectNode n = params.addObject();
                n.put("name", p.name());
                n.put("in", p.in() == Route.In.PATH ? "path" : "query");
                n.put("required", p.required());
                n.put("description", p.description());
                n.putObject("schema").put("type", "string");
            }
        }
        if (r.requestType() != null) {
            ObjectNode body = op.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject(ApiResponse.JSON).set("schema", ref(r.requestType()));
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject(String.valueOf(r.status()));
        ok.put("description", r.status() == 204 ? "Done" : "Success");
        if (r.status() != 204) {
            ObjectNode content = ok.putObject("content").putObject(r.produces());
            if (r.responseType() != null) {
                content.set("schema", ref(r.responseType()));
            } else {
                content.putObject("schema").put("type", r.produces().equals(ApiResponse.JSON) ? "object" : "string");
            }
        }
        responses.putObject("default").put("$ref", "#/components/responses/Error");
        return op;
    }

    private static String operationId(Route r) {
        StringBuilder sb = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
        for (String s : r.segments()) {
            if (s.equals("api")) {
                continue;
            }
            String word = s.startsWith("{") ? "by_" + s.substring(1, s.length() - 1) : s;
            sb.append('_').append(word.replaceAll("[^A-Za-z0-9_]", "_"));
        }
        return sb.toString();
    }

    /** A reference to the schema of a type, adding it (and the types it uses) to the components. */
    private ObjectNode ref(Class<?> type) {
        String name = names.get(type);
        if (name == null) {
            name = type.getSimpleName();
            if (schemas.containsKey(name) && type.getEnclosingClass() != null) {
                name = type.getEnclosingClass().getSimpleName() + name;
            }
            if (schemas.containsKey(name)) {
                throw new IllegalStateException("two body types are named " + name);
            }
            names.put(type, name);
            schemas.put(name, F.objectNode());   // placeholder: a type may refer to itself
            schemas.put(name, objectSchema(type));
        }
        return F.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    private ObjectNode objectSchema(Class<?> type) {
        ObjectNode schema = F.objectNode();
        schema.put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ArrayNode required = F.arrayNode();
        BeanDescription d = mapper.getSerializationConfig().introspect(mapper.constructType(type));
        for (BeanPropertyDefinition p : d.findProperties()) {
            ObjectNode ps = schemaOf(p.getPrimaryType());
            String description = p.getMetadata().getDescription();
            if (description != null) {
                ps.put("description", description);
            }
            props.set(p.getName(), ps);
            if (p.isRequired()) {
                required.add(p.getName());
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema;
    }

    private ObjectNode schemaOf(JavaType t) {
        Class<?> c = t.getRawClass();
        if (CharSequence.class.isAssignableFrom(c)) {
            return F.objectNode().put("type", "string");
        }
        if (c == boolean.class || c == Boolean.class) {
            return F.objectNode().put("type", "boolean");
        }
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
            return F.objectNode().put("type", "integer").put("format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return F.objectNode().put("type", "integer").put("format", "int64");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return F.objectNode().put("type", "number");
        }
        if (c.isEnum()) {
            ObjectNode n = F.objectNode().put("type", "string");
            ArrayNode values = n.putArray("enum");
            for (Object constant : c.getEnumConstants()) {
                values.add(mapper.convertValue(constant, String.class));
            }
            return n;
        }
        if (t.isCollectionLikeType() || t.isArrayType()) {
            ObjectNode n = F.objectNode().put("type", "array");
            n.set("items", schemaOf(t.getContentType()));
            return n;
        }
        if (t.isMapLikeType()) {
            ObjectNode n = F.objectNode().put("type", "object");
            n.set("additionalProperties", schemaOf(t.getContentType()));
            return n;
        }
        if (c == Object.class || JsonNode.class.isAssignableFrom(c)) {
            return F.objectNode();
        }
        return ref(c);
    }
}

package dev.tern.admin.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;
import dev.tern.config.ClientNetworks;
import dev.tern.config.TernConfig;

import java.io.IOException;

import java.net.InetAddress;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code /api/settings}: the configuration the server runs with, as read from its file with the
 * defaults filled in. Read-only: the file is the one place settings are changed. Every value whose
 * name speaks of a password, a secret or a key is replaced by {@value #REDACTED}, wherever it is.
 */
public final class SettingsRoutes implements RouteGroup {

    /** What a redacted value reads. */
    public static final String REDACTED = "[redacted]";

    /** The field names whose values are never shown: passwords, secrets, keys (and files of them). */
    private static final Pattern SECRET = Pattern.compile("password|passwd|secret|key|token|credential");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .addModule(new SimpleModule()
                    .addSerializer(Duration.class, ToStringSerializer.instance)
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(Path.class, ToStringSerializer.instance)
                    .addSerializer(InetAddress.class, ToStringSerializer.instance)
                    .addSerializer(Charset.class, ToStringSerializer.instance)
                    .addSerializer(Pattern.class, ToStringSerializer.instance)
                    .addSerializer(ClientNetworks.class, new StdSerializer<>(ClientNetworks.class) {
                        @Override
                        public void serialize(ClientNetworks value, JsonGenerator gen, SerializerProvider provider)
                                throws IOException {
                            provider.defaultSerializeValue(value.entries(), gen);
                        }
                    }))
            .build();

    private final TernConfig config;

    public SettingsRoutes(TernConfig config) {
        this.config = config;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/settings", "Show the configuration in effect, with secrets redacted (read-only)")
                .scope(Scope.SETTINGS_READ).response(JsonNode.class)
                .handle(r -> ApiResponse.ok(settings(config)));
    }

    /** The configuration as JSON, with every secret redacted. */
    public static JsonNode settings(TernConfig config) {
        JsonNode tree = MAPPER.valueToTree(config);
        redact(tree);
        return tree;
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = o.get(name);
                if (isSecret(name)) {
                    if (!value.isNull() && !(value.isArray() && value.isEmpty())) {
                        o.set(name, TextNode.valueOf(REDACTED));
                    }
                } else {
                    redact(value);
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(SettingsRoutes::redact);
        }
    }

    public static boolean isSecret(String name) {
        return SECRET.matcher(name.toLowerCase(Locale.ROOT)).find();
    }
}

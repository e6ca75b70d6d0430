package dev.tern.admin.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Files served from the class path under one folder (the web console: {@code admin/console}).
 * {@code /} is {@code index.html}; any other path must be plain segments (letters, digits, dot,
 * hyphen, underscore, not starting with a dot), so that no request can reach outside the folder.
 */
public final class StaticFiles {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8",
            "woff2", "font/woff2");

    private final String root;
    private final ClassLoader loader;

    /** @param root the folder on the class path, e.g. {@code admin/console} */
    public StaticFiles(String root) {
        this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        this.loader = StaticFiles.class.getClassLoader();
    }

    /** The file for a request path; empty when there is none. */
    public Optional<ApiResponse> serve(String path) {
        List<String> segments = RouteTable.decodedSegments(path);
        if (segments == null) {
            return Optional.empty();
        }
        if (segments.isEmpty()) {
            segments = List.of("index.html");
        }
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches()) {
                return Optional.empty();
            }
        }
        String name = String.join("/", segments);
        String type = TYPES.get(extension(name));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(root + "/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(ApiResponse.bytes(200, type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}

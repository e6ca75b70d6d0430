package dev.tern.admin.http;

import java.util.List;

/**
 * One operation of the admin API: method and path pattern, who may call it, what it is for, what
 * it reads and answers, and its handler. The OpenAPI document is made from these, so the document
 * and the code cannot disagree.
 *
 * @param pattern      e.g. {@code /api/domains/{domain}}; a {@code {name}} segment matches any one segment
 * @param tag          the group it is listed under (the resource)
 * @param params       its path parameters (in pattern order) and query parameters
 * @param requestType  the JSON body it reads, or null when it reads none
 * @param responseType the JSON body it answers with, or null (no body, or not JSON)
 * @param status       its status when it succeeds
 * @param produces     the media type of its answer
 */
public record Route(String method, String pattern, Access access, String summary, String tag, List<Param> params,
                    Class<?> requestType, Class<?> responseType, int status, String produces, Handler handler) {

    /** Where a parameter is. */
    public enum In { PATH, QUERY }

    /** A parameter of a route. */
    public record Param(String name, In in, String description, boolean required) {
    }

    public Route {
        params = List.copyOf(params);
    }

    /** The segments of the pattern, without the empty one before the first slash. */
    List<String> segments() {
        return RouteTable.split(pattern);
    }
}

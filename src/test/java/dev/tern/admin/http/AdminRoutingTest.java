package dev.tern.admin.http;

import dev.tern.admin.auth.Scope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts of the admin API: route matching, path decoding, scopes and strict JSON. */
class AdminRoutingTest {

    private static RouteTable table() {
        RouteTable t = new RouteTable();
        Handler ok = r -> ApiResponse.noContent();
        t.get("/api/queue/{id}", "Show").scope(Scope.QUEUE_READ).handle(ok);
        t.post("/api/queue/{id}/retry", "Retry").scope(Scope.QUEUE_WRITE).handle(ok);
        t.get("/api/queue/summary", "Summary").scope(Scope.QUEUE_READ).handle(ok);
        t.get("/api/accounts/{address}", "Account").scope(Scope.ACCOUNTS_READ).handle(ok);
        t.delete("/api/accounts/{address}", "Delete").scope(Scope.ACCOUNTS_WRITE).handle(ok);
        return t;
    }

    @Test
    void literalSegmentsWinAndParametersAreDecodedOneByOne() {
        RouteTable t = table();
        RouteTable.Found summary = (RouteTable.Found) t.match("GET", "/api/queue/summary");
        assertThat(summary.route().summary()).isEqualTo("Summary");
        RouteTable.Found show = (RouteTable.Found) t.match("GET", "/api/queue/ABC/");
        assertThat(show.params()).isEqualTo(Map.of("id", "ABC"));
        RouteTable.Found account = (RouteTable.Found) t.match("HEAD", "/api/accounts/a+tag%40b%2Fc.test");
        assertThat(account.params()).isEqualTo(Map.of("address", "a+tag@b/c.test"));
        assertThat(t.match("GET", "/api/accounts/%E2%82%AC@x.test")).isInstanceOf(RouteTable.Found.class);
        assertThat(t.match("GET", "/api/accounts/%ZZ")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(t.match("GET", "/api/accounts/%C3")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(t.match("GET", "/api/accounts//")).isInstanceOf(RouteTable.NoRoute.class);
        assertThat(t.match("GET", "/api/queue/x/retry/more")).isInstanceOf(RouteTable.NoRoute.class);
    }

    @Test
    void aPathWithOtherMethodsSaysWhichOnes() {
        RouteTable.Match m = table().match("PUT", "/api/accounts/a@b.test");
        assertThat(m).isEqualTo(new RouteTable.WrongMethod(Set.of("GET", "DELETE")));
    }

    @Test
    void everyRouteSaysWhoMayCallItAndNoTwoClash() {
        RouteTable t = table();
        assertThatThrownBy(() -> t.get("/api/x", "X").handle(r -> null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("who may call it");
        assertThatThrownBy(() -> t.get("/api/queue/{other}", "Again").scope(Scope.ADMIN).handle(r -> null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already taken");
        assertThatThrownBy(() -> t.get("api/x", "No slash"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writeScopesCoverTheirReadScopeAndAdminCoversAll() {
        assertThat(Scope.ACCOUNTS_WRITE.covers(Scope.ACCOUNTS_READ)).isTrue();
        assertThat(Scope.ACCOUNTS_READ.covers(Scope.ACCOUNTS_WRITE)).isFalse();
        assertThat(Scope.ACCOUNTS_WRITE.covers(Scope.DOMAINS_READ)).isFalse();
        assertThat(Scope.CREDENTIALS_WRITE.covers(Scope.CREDENTIALS_READ)).isTrue();
        for (Scope s : Scope.values()) {
            assertThat(Scope.ADMIN.covers(s)).isTrue();
            assertThat(Scope.parse(s.wireName())).contains(s);
        }
        assertThat(Scope.SETTINGS_READ.covers(Scope.ADMIN)).isFalse();
        assertThat(Scope.parse("Queue:Write")).contains(Scope.QUEUE_WRITE);
        assertThat(Scope.parse("queue")).isEmpty();
    }

    record Sample(String name, Boolean flag, Integer count, List<String> items) {
    }

    @Test
    void jsonIsReadStrictly() {
        Sample s = Json.read("{\"name\":\"a\",\"flag\":true,\"count\":3,\"items\":[\"x\"]}".getBytes(), Sample.class);
        assertThat(s).isEqualTo(new Sample("a", true, 3, List.of("x")));
        assertThat(Json.read("{}".getBytes(), Sample.class)).isEqualTo(new Sample(null, null, null, null));
        assertThatThrownBy(() -> Json.read("{\"flag\":\"true\"}".getBytes(), Sample.class))
                .isInstanceOf(ApiException.class).hasMessage("field \"flag\" must be true or false");
        assertThatThrownBy(() -> Json.read("{\"count\":1.5}".getBytes(), Sample.class))
                .hasMessage("field \"count\" must be a whole number");
        assertThatThrownBy(() -> Json.read("{\"name\":false}".getBytes(), Sample.class))
                .hasMessage("field \"name\" must be a string");
        assertThatThrownBy(() -> Json.read("{\"items\":[1]}".getBytes(), Sample.class))
                .hasMessage("field \"items[0]\" must be a string");
        assertThatThrownBy(() -> Json.read("{\"Name\":\"a\"}".getBytes(), Sample.class))
                .hasMessage("unknown field \"Name\"; the fields are: count, flag, items, name");
        assertThatThrownBy(() -> Json.read("null".getBytes(), Sample.class))
                .isInstanceOf(ApiException.class).extracting(e -> ((ApiException) e).code()).isEqualTo("invalid_json");
        assertThat(new String(Json.write(new Sample("a", null, null, null)))).isEqualTo("{\"name\":\"a\"}");
    }
}

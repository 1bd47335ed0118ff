package io.synod.examples.cli;

import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test-only HTTP hook that changes a node's clock rate (the kv server's --test-clock-rate-hook). */
class ClockRateHookTest {
    private final ClockRateHook hook = new ClockRateHook();

    private Response send(String method, String path, Map<String, String> query) {
        return hook.handle(new Request(method, List.of(path.substring(1).split("/")), query, ""));
    }

    @Test
    void setsAndReportsTheRateOfTheNodesClock() {
        assertEquals("{\"rate\":\"1.0\"}", send("GET", "/test/clock-rate", Map.of()).json());
        Response set = send("POST", "/test/clock-rate", Map.of("rate", "1.05"));
        assertEquals(200, set.status());
        assertEquals("{\"rate\":\"1.05\"}", set.json());
        assertEquals(5_000_000, hook.clock().realNanos(5_250_000), "the node's clock runs 5% fast");
    }

    @Test
    void badRequestsSayWhatIsWrongAndChangeNothing() {
        assertError(send("POST", "/test/clock-rate", Map.of()), 400, "?rate=R");
        assertError(send("POST", "/test/clock-rate", Map.of("rate", "fast")), 400, "bad rate 'fast'");
        assertError(send("POST", "/test/clock-rate", Map.of("rate", "0")), 400, "between 0.01 and 100");
        assertError(send("DELETE", "/test/clock-rate", Map.of()), 405, "use GET, or POST");
        assertError(send("POST", "/test/clock-offset", Map.of("rate", "2")), 404, "there is only /test/clock-rate");
        assertEquals("{\"rate\":\"1.0\"}", send("GET", "/test/clock-rate", Map.of()).json());
    }

    private static void assertError(Response response, int status, String message) {
        assertEquals(status, response.status(), response.json());
        assertTrue(response.json().contains(message), response.json());
    }
}

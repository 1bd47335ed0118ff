package io.synod.examples.cli;

import io.synod.core.api.MonotonicClock;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FOR TESTS ONLY: lets a fault test change the rate of the node's monotonic clock over HTTP, to
 * skew clocks the way a fast or slow oscillator would. The node runs on {@link #clock()}; a server
 * built without this hook refuses every {@code /test/} request.
 * <pre>
 * GET  /test/clock-rate              200 {"rate":"1.0"}
 * POST /test/clock-rate?rate=R       200 {"rate":"R"}   (R between 0.01 and 100; 1 = real time)
 * </pre>
 * The rate is a string in the answer because the examples' JSON carries whole numbers only.
 */
public final class ClockRateHook {
    private static final Logger log = LoggerFactory.getLogger(ClockRateHook.class);
    static final String PATH = "clock-rate";

    private final AdjustableRateClock clock = new AdjustableRateClock();

    /** The clock the node must be built with. */
    public MonotonicClock clock() {
        return clock;
    }

    /** Answers a request under {@code /test/}. */
    public Response handle(Request request) {
        if (request.path().size() != 2 || !request.path().get(1).equals(PATH)) {
            return Response.error(404, "no such test hook /" + String.join("/", request.path())
                    + "; there is only /test/" + PATH);
        }
        return switch (request.method()) {
            case "GET" -> Response.ok(Json.object("rate", Double.toString(clock.rate())));
            case "POST", "PUT" -> setRate(request.param("rate"));
            default -> Response.error(405, "method " + request.method() + " not allowed on /test/" + PATH
                    + "; use GET, or POST with ?rate=R");
        };
    }

    private Response setRate(String asked) {
        if (asked == null) {
            return Response.error(400, "give the new rate as ?rate=R (1 = real time, 1.05 = 5% fast)");
        }
        double rate;
        try {
            rate = Double.parseDouble(asked);
            double previous = clock.rate();
            clock.setRate(rate);
            log.info("test hook: this node's clock now runs at {} times real time (was {})", rate, previous);
        } catch (IllegalArgumentException e) { // NumberFormatException is one
            return Response.error(400, "bad rate '" + asked + "': " + e.getMessage());
        }
        return Response.ok(Json.object("rate", Double.toString(rate)));
    }
}

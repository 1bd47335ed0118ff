package io.synod.examples.lock;

import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReplicatedGroup;
import io.synod.examples.cli.Errors;
import io.synod.examples.cli.BaseService;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;

import java.util.concurrent.CompletableFuture;

/**
 * The lock service's HTTP API:
 * <pre>
 * POST /lock/NAME/acquire?owner=O&amp;ttlMs=T     200 {"lock","owner","token","expiresAt"} | 409 {"error","holder",...}
 * POST /lock/NAME/release?owner=O&amp;token=T     200 {"released":true} | 409
 * PUT  /lock/NAME/resource?token=T  body=data  200 {"written":true,"token"} | 409 {"error":"stale fencing token ..."}
 * GET  /lock/NAME                              200 {"lock","held","owner","token","expiresAt","resource"}
 * </pre>
 * Acquiring again before the lease ends renews it (same token). Times are the serving node's clock.
 */
public final class LockService extends BaseService {
    public static final long GROUP = 1;
    static final long MIN_TTL_MILLIS = 100;
    static final long MAX_TTL_MILLIS = 3_600_000;

    public LockService() {
        super("lock", GROUP, new LockMachine());
    }

    @Override
    public CompletableFuture<Response> handle(Request request, ReplicatedGroup group) {
        if (request.path().size() < 2 || request.path().size() > 3 || request.path().get(1).isEmpty()) {
            return done(Response.error(400, "expected /lock/NAME, /lock/NAME/acquire, /lock/NAME/release or /lock/NAME/resource"));
        }
        String name = request.path().get(1);
        String action = request.path().size() == 3 ? request.path().get(2) : "";
        long now = System.currentTimeMillis();
        try {
            return switch (action) {
                case "" -> {
                    requireMethod(request, "GET");
                    yield group.read(LockMachine.status(name), ReadConsistency.LINEARIZABLE)
                            .handle((bytes, error) -> error != null ? Errors.toResponse(error) : status(name, bytes));
                }
                case "acquire" -> {
                    requireMethod(request, "POST");
                    String owner = required(request, "owner");
                    long ttl = number(request, "ttlMs");
                    if (ttl < MIN_TTL_MILLIS || ttl > MAX_TTL_MILLIS) {
                        throw new BadRequest("ttlMs must be between " + MIN_TTL_MILLIS + " and " + MAX_TTL_MILLIS + ", got " + ttl);
                    }
                    yield propose(group, LockMachine.acquire(name, owner, ttl, now), o -> o.ok()
                            ? Response.ok(Json.object("lock", name, "owner", o.owner(), "token", o.token(), "expiresAt", o.expiresAt()))
                            : new Response(409, Json.object("error", o.reason(), "holder", o.owner(), "expiresAt", o.expiresAt())));
                }
                case "release" -> {
                    requireMethod(request, "POST");
                    byte[] command = LockMachine.release(name, required(request, "owner"), number(request, "token"), now);
                    yield propose(group, command, o -> o.ok() ? Response.ok(Json.object("lock", name, "released", true))
                            : new Response(409, Json.object("error", o.reason(), "released", false)));
                }
                case "resource" -> {
                    requireMethod(request, "PUT");
                    byte[] command = LockMachine.write(name, number(request, "token"), request.body(), now);
                    yield propose(group, command, o -> o.ok() ? Response.ok(Json.object("lock", name, "written", true, "token", o.token()))
                            : new Response(409, Json.object("error", o.reason(), "written", false, "highestToken", o.token())));
                }
                default -> throw new BadRequest("unknown action '" + action + "'; use acquire, release or resource");
            };
        } catch (BadRequest e) {
            return done(Response.error(e.status, e.getMessage()));
        }
    }

    private static Response status(String name, byte[] bytes) {
        LockMachine.Outcome o = LockMachine.Outcome.decode(bytes);
        return Response.ok(Json.object("lock", name, "held", o.ok(), "owner", o.owner(), "token", o.token(),
                "expiresAt", o.expiresAt(), "resource", o.data()));
    }

    private static CompletableFuture<Response> propose(ReplicatedGroup group, byte[] command,
                                                       java.util.function.Function<LockMachine.Outcome, Response> answer) {
        return propose(group, command, LockMachine.Outcome::decode, answer);
    }

    private static void requireMethod(Request request, String method) {
        if (!request.method().equals(method)) {
            throw new BadRequest(405, "use " + method + " here, not " + request.method());
        }
    }

    private static String required(Request request, String name) {
        String value = request.param(name);
        if (value == null || value.isBlank()) {
            throw new BadRequest("missing the query parameter '" + name + "'");
        }
        return value;
    }

    private static long number(Request request, String name) {
        String value = required(request, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadRequest("'" + name + "' must be a whole number, got '" + value + "'");
        }
    }

    /** A request the service refuses before it reaches the log. */
    static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(String message) {
            this(400, message);
        }

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}

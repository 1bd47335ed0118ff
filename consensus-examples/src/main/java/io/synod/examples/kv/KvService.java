package io.synod.examples.kv;

import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReplicatedGroup;
import io.synod.examples.cli.Errors;
import io.synod.examples.cli.BaseService;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The key-value store's HTTP API:
 * <pre>
 * GET    /kv/KEY[?consistency=linearizable|lease|stale]   200 {"key","value","version"} | 404
 * PUT    /kv/KEY            body = value                   200 {"key","value","version"}
 * PUT    /kv/KEY?expect=OLD body = value                   200 {..., "swapped":true} | 409 {"swapped":false,"current",...}
 * PUT    /kv/KEY?expectAbsent=true                         as above, swapped only if the key does not exist
 * DELETE /kv/KEY                                           200 {"key","deleted":true|false}
 * </pre>
 * Any node answers: writes are forwarded to the leader, reads are linearizable by default.
 */
public final class KvService extends BaseService {
    public static final long GROUP = 0;

    /** Serves every read as STALE: a deliberately broken mode, so fault tests can show their checker catches it. */
    private final boolean unsafeStaleReads;

    public KvService() {
        this(false);
    }

    public KvService(boolean unsafeStaleReads) {
        super("kv", GROUP, new KvMachine());
        this.unsafeStaleReads = unsafeStaleReads;
    }

    @Override
    public CompletableFuture<Response> handle(Request request, ReplicatedGroup group) {
        if (request.path().size() != 2) {
            return done(Response.error(400, "expected /kv/KEY, got /" + String.join("/", request.path())));
        }
        String key = request.path().get(1);
        String invalid = KvOps.invalidKey(key);
        if (invalid != null) {
            return done(Response.error(400, invalid));
        }
        return switch (request.method()) {
            case "GET" -> get(key, request, group);
            case "PUT", "POST" -> put(key, request, group);
            case "DELETE" -> group.propose(KvOps.delete(key)).handle((bytes, error) -> error != null
                    ? Errors.toResponse(error)
                    : Response.ok(Json.object("key", key, "deleted", KvOps.decodeResult(bytes).ok())));
            default -> done(Response.error(405, "method " + request.method() + " not allowed on /kv/KEY; use GET, PUT or DELETE"));
        };
    }

    private CompletableFuture<Response> get(String key, Request request, ReplicatedGroup group) {
        ReadConsistency consistency;
        String asked = request.param("consistency");
        try {
            consistency = asked == null ? ReadConsistency.LINEARIZABLE : ReadConsistency.valueOf(asked.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return done(Response.error(400, "unknown consistency '" + asked + "'; use linearizable, lease or stale"));
        }
        if (unsafeStaleReads) {
            consistency = ReadConsistency.STALE;
        }
        return group.read(KvOps.get(key), consistency).handle((bytes, error) -> {
            if (error != null) {
                return Errors.toResponse(error);
            }
            KvOps.Result result = KvOps.decodeResult(bytes);
            return result.ok()
                    ? Response.ok(Json.object("key", key, "value", result.value(), "version", result.version()))
                    : new Response(404, Json.object("error", "no such key", "key", key));
        });
    }

    private CompletableFuture<Response> put(String key, Request request, ReplicatedGroup group) {
        String expect = request.param("expect");
        boolean expectAbsent = "true".equals(request.param("expectAbsent"));
        if (expect != null && expectAbsent) {
            return done(Response.error(400, "give either expect=VALUE or expectAbsent=true, not both"));
        }
        boolean cas = expect != null || expectAbsent;
        byte[] command = cas ? KvOps.cas(key, expect, request.body()) : KvOps.put(key, request.body());
        return group.propose(command).handle((bytes, error) -> {
            if (error != null) {
                return Errors.toResponse(error);
            }
            KvOps.Result result = KvOps.decodeResult(bytes);
            if (!cas) {
                return Response.ok(Json.object("key", key, "value", result.value(), "version", result.version()));
            }
            return result.ok()
                    ? Response.ok(Json.object("key", key, "value", result.value(), "version", result.version(), "swapped", true))
                    : new Response(409, Json.object("key", key, "swapped", false, "current", result.value(),
                            "version", result.version()));
        });
    }
}

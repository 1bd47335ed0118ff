package io.synod.examples.queue;

import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReplicatedGroup;
import io.synod.examples.cli.Errors;
import io.synod.examples.cli.BaseService;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;

import java.util.concurrent.CompletableFuture;

/**
 * The queue's HTTP API:
 * <pre>
 * POST /queue/NAME                 body = message        200 {"queue","id"}
 * POST /queue/NAME/pop?consumer=C[&amp;visibilityMs=V]      200 {"id","value","deliveries"} | 404 (nothing visible)
 * POST /queue/NAME/ack/ID?consumer=C                     200 {"acked":true} | 409
 * GET  /queue/NAME                                       200 {"queue","size","inFlight"}
 * </pre>
 */
public final class QueueService extends BaseService {
    public static final long GROUP = 2;
    static final long DEFAULT_VISIBILITY_MILLIS = 30_000;

    public QueueService() {
        super("queue", GROUP, new QueueMachine());
    }

    @Override
    public CompletableFuture<Response> handle(Request request, ReplicatedGroup group) {
        var path = request.path();
        if (path.size() < 2 || path.get(1).isEmpty()) {
            return done(Response.error(400, "expected /queue/NAME, /queue/NAME/pop or /queue/NAME/ack/ID"));
        }
        String name = path.get(1);
        long now = System.currentTimeMillis();
        if (path.size() == 2 && request.method().equals("GET")) {
            return group.read(QueueMachine.stats(name), ReadConsistency.LINEARIZABLE).handle((bytes, error) -> {
                if (error != null) {
                    return Errors.toResponse(error);
                }
                QueueMachine.Outcome o = QueueMachine.Outcome.decode(bytes);
                return Response.ok(Json.object("queue", name, "size", o.size(), "inFlight", o.inFlight()));
            });
        }
        if (!request.method().equals("POST")) {
            return done(Response.error(405, "use POST to push, pop and ack, GET for the queue's size"));
        }
        if (path.size() == 2) {
            return propose(group, QueueMachine.push(name, request.body(), now),
                    o -> Response.ok(Json.object("queue", name, "id", o.id())));
        }
        String consumer = request.param("consumer");
        if (consumer == null || consumer.isBlank()) {
            return done(Response.error(400, "missing the query parameter 'consumer'"));
        }
        if (path.size() == 3 && path.get(2).equals("pop")) {
            long visibility;
            try {
                String v = request.param("visibilityMs");
                visibility = v == null ? DEFAULT_VISIBILITY_MILLIS : Long.parseLong(v);
            } catch (NumberFormatException e) {
                return done(Response.error(400, "'visibilityMs' must be a whole number"));
            }
            if (visibility < 100 || visibility > 3_600_000) {
                return done(Response.error(400, "visibilityMs must be between 100 and 3600000, got " + visibility));
            }
            return propose(group, QueueMachine.pop(name, consumer, visibility, now), o -> o.ok()
                    ? Response.ok(Json.object("queue", name, "id", o.id(), "value", o.value(), "deliveries", o.deliveries()))
                    : new Response(404, Json.object("error", "no visible message in " + name, "size", o.size())));
        }
        if (path.size() == 4 && path.get(2).equals("ack")) {
            long id;
            try {
                id = Long.parseLong(path.get(3));
            } catch (NumberFormatException e) {
                return done(Response.error(400, "the message id must be a whole number, got '" + path.get(3) + "'"));
            }
            return propose(group, QueueMachine.ack(name, id, consumer, now), o -> o.ok()
                    ? Response.ok(Json.object("queue", name, "id", id, "acked", true))
                    : new Response(409, Json.object("error", o.reason(), "acked", false)));
        }
        return done(Response.error(400, "expected /queue/NAME/pop or /queue/NAME/ack/ID"));
    }

    private static CompletableFuture<Response> propose(ReplicatedGroup group, byte[] command,
                                                       java.util.function.Function<QueueMachine.Outcome, Response> answer) {
        return propose(group, command, QueueMachine.Outcome::decode, answer);
    }
}

package io.synod.examples.admin;

import io.synod.core.api.GroupAdmin;
import io.synod.core.api.GroupMembership;
import io.synod.core.api.GroupStatus;
import io.synod.core.api.MembershipChange;
import io.synod.core.api.MembershipChangeException;
import io.synod.core.api.NotLeaderException;
import io.synod.examples.cli.Errors;
import io.synod.examples.cli.ServerFlags;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * The example servers' admin API over one group's {@link GroupAdmin}:
 * <pre>
 * GET  /admin/members                         200 {"epoch","voters","learners","addresses","leader",...}
 * GET  /admin/status                          200 members, plus "firstUnchosenSlot", "appliedIndex",
 *                                                 and on the leader "progress" and "lag" of each member
 * POST /admin/add/ID?address=HOST:PORT        200 {"change":"add learner","node",...,"chosenSlot","effectiveSlot"}
 * POST /admin/promote/ID                      200 the same for the promotion of learner ID
 * POST /admin/remove/ID                       200 the same for the removal of member ID
 * POST /admin/transfer/ID                     200 {"leader":ID} once node ID leads
 * </pre>
 * Lists are comma-separated strings ({@code "voters":"1,2,3"}), since the examples' JSON is flat.
 * Changes must go to the leader: elsewhere they answer 421 with {@code "leader"}, the node to ask.
 * Refusals answer 404 (unknown node), 409 (a conflict that may pass: another change, a learner still
 * behind, the last voter, already a member) or 400 (invalid), with {@code "reason"} and the message.
 */
public final class AdminRoutes {
    private AdminRoutes() {
    }

    public static CompletableFuture<Response> handle(Request request, GroupAdmin admin) {
        List<String> path = request.path();
        String action = path.size() >= 2 ? path.get(1) : "";
        if (request.method().equals("GET") && path.size() == 2 && (action.equals("members") || action.equals("status"))) {
            boolean full = action.equals("status");
            return admin.status().handle((status, error) -> error != null ? failure(error)
                    : Response.ok(statusJson(status, full)));
        }
        if (!request.method().equals("POST") || path.size() != 3
                || !List.of("add", "promote", "remove", "transfer").contains(action)) {
            return done(Response.error(404, "no admin route " + request.method() + " /" + String.join("/", path)
                    + "; use GET /admin/members, GET /admin/status, or POST /admin/{add,promote,remove,transfer}/ID"));
        }
        int node;
        try {
            node = Integer.parseInt(path.get(2));
        } catch (NumberFormatException e) {
            return done(Response.error(400, "the node id must be a whole number, got '" + path.get(2) + "'"));
        }
        return switch (action) {
            case "add" -> add(admin, node, request.param("address"));
            case "promote" -> change("promote", node, admin.promote(node));
            case "remove" -> change("remove", node, admin.remove(node));
            default -> admin.transferLeadership(node).handle((ok, error) -> error != null ? failure(error)
                    : Response.ok(Json.object("leader", node)));
        };
    }

    private static CompletableFuture<Response> add(GroupAdmin admin, int node, String address) {
        if (address == null) {
            return done(Response.error(400, "give the new node's consensus address: POST /admin/add/" + node
                    + "?address=HOST:PORT"));
        }
        InetSocketAddress parsed;
        try {
            parsed = ServerFlags.parseAddress(address);
        } catch (IllegalArgumentException e) {
            return done(Response.error(400, "address: " + e.getMessage()));
        }
        return change("add learner", node, admin.addLearner(node, parsed));
    }

    private static CompletableFuture<Response> change(String what, int node, CompletableFuture<MembershipChange> change) {
        return change.handle((made, error) -> {
            if (error != null) {
                return failure(error);
            }
            GroupMembership m = made.membership();
            return Response.ok(Json.object("change", what, "node", node, "epoch", m.epoch(), "voters", ids(m.voters()),
                    "learners", ids(m.learners()), "chosenSlot", made.chosenSlot(), "effectiveSlot", m.effectiveSlot()));
        });
    }

    private static String statusJson(GroupStatus status, boolean full) {
        GroupMembership current = status.current();
        GroupMembership pending = status.pending();
        List<Object> fields = new ArrayList<>(Arrays.asList("group", status.groupId(), "node", status.nodeId(),
                "leader", status.leader() == 0 ? null : status.leader(), "isLeader", status.isLeader(), "epoch", current.epoch(),
                "voters", ids(current.voters()), "learners", ids(current.learners()),
                "addresses", pairs(current.addresses()), "effectiveSlot", current.effectiveSlot()));
        fields.addAll(List.of("pending", pending == null ? "" : "epoch " + pending.epoch() + ": voters "
                + ids(pending.voters()) + (pending.learners().isEmpty() ? "" : ", learners " + ids(pending.learners()))
                + " from slot " + pending.effectiveSlot()));
        if (full) {
            StringBuilder lag = new StringBuilder();
            status.memberProgress().forEach((id, slot) -> lag.append(lag.length() == 0 ? "" : ",").append(id).append('=')
                    .append(Math.max(0, status.firstUnchosenSlot() - slot)));
            fields.addAll(List.of("firstUnchosenSlot", status.firstUnchosenSlot(), "appliedIndex", status.appliedIndex(),
                    "progress", pairs(status.memberProgress()), "lag", lag.toString()));
        }
        return Json.object(fields.toArray());
    }

    /** How the admin routes report failures: the leader hint with 421, the reason of a refusal. */
    static Response failure(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof NotLeaderException notLeader) {
            return new Response(421, Json.object("error", e.getMessage(), "leader", notLeader.leaderHint().orElse(0)));
        }
        if (e instanceof MembershipChangeException refused) {
            int status = switch (refused.reason()) {
                case UNKNOWN_NODE -> 404;
                case INVALID -> 400;
                default -> 409;
            };
            return new Response(status, Json.object("error", e.getMessage(), "reason", refused.reason().name()));
        }
        if (e instanceof IllegalArgumentException) {
            return Response.error(400, e.getMessage());
        }
        return Errors.toResponse(e);
    }

    static String ids(Collection<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String pairs(Map<Integer, ?> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}

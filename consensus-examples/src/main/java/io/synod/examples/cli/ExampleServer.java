package io.synod.examples.cli;

import io.synod.core.api.ReplicatedGroup;
import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import io.synod.examples.admin.AdminRoutes;
import io.synod.examples.http.HttpApi;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * One node of an example application: a {@link SynodNode} hosting the application's group(s) and
 * an HTTP API in front of them. {@code GET /status} reports the node and its leader; everything
 * under {@code /<service>/} goes to that service; {@code /admin/} to {@link AdminRoutes} (membership
 * and leadership of the first service's group, or of {@code ?group=ID}); {@code /test/} goes to the {@link ClockRateHook},
 * when the server was started with one (for tests only), and is refused otherwise.
 */
public final class ExampleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExampleServer.class);
    /** Bodies above this are refused with 413 before they reach Synod. */
    static final int MAX_BODY_BYTES = 1 << 20;

    /** One application served by the node: its group, its state machine and its HTTP routes. */
    public interface Service {
        /** The first path segment of its routes, e.g. {@code kv}. */
        String name();

        long groupId();

        StateMachine stateMachine();

        CompletableFuture<Response> handle(Request request, ReplicatedGroup group);

        /** Called once the node runs, for services with background work. */
        default void started(ReplicatedGroup group, int nodeId) {
        }

        /** Called before the node closes. */
        default void stopping() {
        }
    }

    private final ServerFlags.Settings settings;
    private final List<Service> services;
    private final SynodNode node;
    private final HttpApi http;
    /** Null unless a test asked for it. */
    private final ClockRateHook clockRateHook;
    private final CountDownLatch closed = new CountDownLatch(1);

    public ExampleServer(ServerFlags.Settings settings, List<Service> services, SynodOptions options) {
        this(settings, services, options, null);
    }

    /**
     * @param clockRateHook null for a normal server; otherwise the node runs on the hook's clock and
     *                      serves {@code /test/clock-rate} (FOR TESTS ONLY)
     */
    public ExampleServer(ServerFlags.Settings settings, List<Service> services, SynodOptions options,
                         ClockRateHook clockRateHook) {
        this.settings = settings;
        this.services = services;
        this.clockRateHook = clockRateHook;
        SynodNode.Builder builder = SynodNode.builder().clusterId(settings.cluster()).nodeId(settings.nodeId())
                .members(settings.members()).joining(settings.joining()).peerAddresses(settings.peers())
                .dataDirectory(settings.data()).options(options);
        if (clockRateHook != null) {
            log.warn("node {}: TEST HOOK ON: POST /test/clock-rate changes this node's clock rate; never use this"
                    + " in production", settings.nodeId());
            builder.monotonicClock(clockRateHook.clock());
        }
        for (Service service : services) {
            builder.group(service.groupId(), service.stateMachine());
        }
        this.node = builder.build();
        try {
            this.http = new HttpApi(settings.http(), MAX_BODY_BYTES, this::route);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        services.forEach(s -> s.started(node.group(s.groupId()), settings.nodeId()));
        log.info("node {} serving {} over HTTP at {}", settings.nodeId(),
                services.stream().map(Service::name).toList(), http.address());
    }

    /** The options the example servers run with: the defaults, with an election timeout for a LAN demo. */
    public static SynodOptions defaultOptions() {
        return SynodOptions.builder().electionTimeoutMillis(400).heartbeatIntervalMillis(50).registerJmx(false).build();
    }

    public SynodNode node() {
        return node;
    }

    private CompletableFuture<Response> route(Request request) {
        if (request.path().isEmpty() || request.path().get(0).equals("status")) {
            return CompletableFuture.completedFuture(status());
        }
        if (request.path().get(0).equals("admin")) {
            return admin(request);
        }
        if (request.path().get(0).equals("test")) {
            return CompletableFuture.completedFuture(clockRateHook != null ? clockRateHook.handle(request)
                    : Response.error(404, "test hooks are off on this node: /" + String.join("/", request.path())
                            + " exists only on a node started with --test-clock-rate-hook (for tests only)"));
        }
        for (Service service : services) {
            if (service.name().equals(request.path().get(0))) {
                return service.handle(request, node.group(service.groupId()));
            }
        }
        return CompletableFuture.completedFuture(Response.error(404, "no such service '" + request.path().get(0)
                + "'; this node serves " + services.stream().map(Service::name).toList() + " and /status"));
    }

    private CompletableFuture<Response> admin(Request request) {
        long groupId = services.get(0).groupId();
        String asked = request.param("group");
        try {
            if (asked != null) {
                groupId = Long.parseLong(asked);
            }
            return AdminRoutes.handle(request, node.group(groupId).admin());
        } catch (IllegalArgumentException e) { // not a number, or a group this node does not host
            return CompletableFuture.completedFuture(Response.error(404, "group '" + asked + "': " + e.getMessage()));
        }
    }

    private Response status() {
        ReplicatedGroup group = node.group(services.get(0).groupId());
        OptionalInt leader = group.leader();
        return Response.ok(Json.object("node", settings.nodeId(), "leader", leader.isPresent() ? leader.getAsInt() : null,
                "isLeader", group.isLeader(), "appliedIndex", group.appliedIndex()));
    }

    /** Blocks until the process is asked to stop (SIGTERM, Ctrl-C), then closes the node cleanly. */
    public void serveUntilStopped() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "synod-shutdown"));
        closed.await();
    }

    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        services.forEach(Service::stopping);
        http.close();
        node.close();
        closed.countDown();
    }
}

package io.synod.examples.admin;

import io.synod.examples.http.ExampleClient;
import io.synod.examples.http.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client of the example servers' admin routes ({@link AdminRoutes}) that finds the leader: it
 * learns each server's node id from {@code GET /status}, sends a request to the node believed to
 * lead, and follows the {@code "leader"} of a 421 answer (or tries the next server when one is down
 * or has no leader yet) until one answers or the timeout passes. A request that got no answer may
 * still have been carried out: it is not repeated; the caller is told to check.
 *
 * <p>Not thread-safe.
 */
public final class AdminClient {
    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** Node id -> HTTP address, learned from the servers' {@code /status}. */
    private final Map<Integer, InetSocketAddress> byNode = new TreeMap<>();
    private int leaderHint;

    public AdminClient(List<InetSocketAddress> servers, Duration timeout) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no servers given");
        }
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    /** {@code GET path} on the first server that answers (any node can). */
    public ExampleClient.Reply anyNode(String path) throws IOException, InterruptedException {
        return new ExampleClient(servers, timeout).send("GET", path, null);
    }

    /** Sends {@code method path} to the leader (see the class comment); 421 answers are followed, not returned. */
    public ExampleClient.Reply leader(String method, String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no server tried";
        while (System.nanoTime() < deadline) {
            InetSocketAddress target = leaderAddress();
            if (target == null) {
                lastProblem = leaderHint != 0 ? "the leader is node " + leaderHint + ", whose HTTP address is not among"
                        + " the servers given " + byNode + "; add it to --servers" : "no server knows a leader yet";
                Thread.sleep(200);
                continue;
            }
            String where = target.getHostString() + ":" + target.getPort();
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(URI.create("http://" + where + path))
                        .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (ConnectException e) {
                lastProblem = where + ": connection refused";
                forget(target);
                continue;
            } catch (HttpTimeoutException e) {
                throw new IOException("no answer from " + where + " within " + timeout.toMillis() + " ms; the request may"
                        + " or may not have been carried out: check with `synod admin members`");
            }
            Map<String, Object> body = parse(response);
            if (response.statusCode() == 421) {
                lastProblem = where + ": " + body.get("error");
                leaderHint = body.get("leader") instanceof Long l ? l.intValue() : 0;
                if (leaderHint == 0 || target.equals(byNode.get(leaderHint))) {
                    Thread.sleep(100); // an election is under way, or the hint is not news yet
                }
                continue;
            }
            if (response.statusCode() == 503) {
                lastProblem = where + ": " + body.get("error");
                forget(target);
                Thread.sleep(100);
                continue;
            }
            return new ExampleClient.Reply(response.statusCode(), body, where);
        }
        throw new IOException("no leader answered within " + timeout.toMillis() + " ms; last: " + lastProblem);
    }

    /** The HTTP address of the node believed to lead, asking the servers' /status when it is not known; or null. */
    private InetSocketAddress leaderAddress() throws InterruptedException {
        if (leaderHint == 0 || !byNode.containsKey(leaderHint)) {
            // Ask every server again: a hint may be stale (a dead leader is believed in until an
            // election timeout passes), so prefer a leader we can reach over one we cannot.
            leaderHint = 0;
            for (InetSocketAddress server : servers) {
                Map<String, Object> status = status(server);
                if (status != null && status.get("node") instanceof Long node) {
                    byNode.put(node.intValue(), server);
                    if (status.get("leader") instanceof Long leader
                            && (leaderHint == 0 || !byNode.containsKey(leaderHint))) {
                        leaderHint = leader.intValue();
                    }
                }
            }
        }
        return byNode.get(leaderHint);
    }

    private void forget(InetSocketAddress server) {
        byNode.values().removeIf(server::equals);
        leaderHint = 0;
    }

    private Map<String, Object> status(InetSocketAddress server) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://" + server.getHostString() + ":" + server.getPort() + "/status"))
                    .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() == 200 ? parse(response) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, Object> parse(HttpResponse<String> response) {
        try {
            return Json.parse(response.body());
        } catch (IllegalArgumentException notJson) {
            return Map.of("error", "HTTP " + response.statusCode() + ": " + response.body().strip());
        }
    }
}

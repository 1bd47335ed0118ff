package io.synod.examples.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A client of the example servers' HTTP APIs that fails over: a request goes to one server, and
 * to the next when that one is down or answers 503 (no leader yet, cut off from the quorum),
 * until one answers or {@code timeout} has passed. Any server will do: followers forward writes.
 * A write that times out on one server may still have been applied there; retrying it elsewhere
 * is safe for puts and deletes (the result is the same), which is all the examples retry.
 */
public final class ExampleClient {
    /** An answer: HTTP status and the parsed JSON object. */
    public record Reply(int status, Map<String, Object> body, String server) {
        public Object get(String name) {
            return body.get(name);
        }
    }

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private int preferred;

    public ExampleClient(List<InetSocketAddress> servers, Duration timeout) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no servers given");
        }
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    public static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, Object> body(HttpResponse<String> response) {
        try {
            return Json.parse(response.body());
        } catch (IllegalArgumentException notJson) {
            return Map.of("error", "HTTP " + response.statusCode() + (response.body().isBlank() ? "" : ": " + response.body().strip()));
        }
    }

    /** Sends {@code method path} (path with query, already encoded) with {@code body} (or none). */
    public synchronized Reply send(String method, String path, String body) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no server tried";
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            InetSocketAddress server = servers.get(preferred);
            String where = server.getHostString() + ":" + server.getPort();
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + where + path))
                    .timeout(Duration.ofMillis(Math.min(left, 5_000)))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() != 503) {
                    return new Reply(response.statusCode(), body(response), where);
                }
                lastProblem = where + " answered 503: " + body(response).get("error");
            } catch (ConnectException | HttpTimeoutException e) {
                lastProblem = where + ": " + (e instanceof ConnectException ? "connection refused" : "timed out");
            } catch (IOException e) {
                lastProblem = where + ": " + e;
            }
            preferred = (preferred + 1) % servers.size();
            if (attempt % servers.size() == servers.size() - 1) {
                Thread.sleep(100); // every server refused: give an election time to finish
            }
        }
        throw new IOException("no server answered within " + timeout.toMillis() + " ms; last: " + lastProblem);
    }
}

package io.synod.examples.faults;

import io.synod.examples.http.ExampleClient;
import io.synod.examples.http.Json;
import io.synod.testkit.Operation;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients of the kv example doing put / get / cas on a small key space, each with one
 * operation outstanding, one attempt per operation (a retry could hide what happened), a timeout,
 * and every outcome recorded as the history format says: a write whose answer never came is
 * indeterminate, and the logical client that issued it is retired (its successor gets a new id).
 * Half the gets are lease reads ({@code ?consistency=lease}), which a leader serves from its own
 * state while its lease holds — the reads clock skew could break — and half read-index reads; both
 * must be linearizable, and are recorded alike (the consistency goes to the line's {@code meta}).
 */
final class KvClients {
    static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final List<InetSocketAddress> servers;
    private final Recorder recorder;
    private final int keys;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong leaseReads = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    KvClients(List<InetSocketAddress> servers, Recorder recorder, int keys) {
        this.servers = servers;
        this.recorder = recorder;
        this.keys = keys;
    }

    void start(int clients, long seed) {
        for (int c = 0; c < clients; c++) {
            int slot = c;
            Random random = new Random(seed * 1000 + c);
            Thread thread = new Thread(() -> run(slot, random), "kv-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Lease reads that returned a value (or "absent"), on whichever node served them. */
    long leaseReads() {
        return leaseReads.get();
    }

    void stopAndJoin() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TIMEOUT.toMillis() * 3);
        }
    }

    private void run(int slot, Random random) {
        int generation = 0;
        long n = 0;
        Map<String, String> lastSeen = new java.util.HashMap<>(); // what this client last read or wrote, per key
        while (!stop.get()) {
            int client = slot * 10_000 + generation;
            String key = "k" + random.nextInt(keys);
            List<InetSocketAddress> now = List.copyOf(servers); // a node replacement may change the list meanwhile
            InetSocketAddress server = now.get(random.nextInt(now.size()));
            int dice = random.nextInt(10);
            Operation done;
            if (dice < 4) {
                done = get(client, key, server, random.nextBoolean());
            } else if (dice < 7) {
                done = put(client, key, "c" + client + "-" + (++n), server);
            } else {
                done = cas(client, key, lastSeen.get(key), "c" + client + "-" + (++n), server);
            }
            if (Boolean.TRUE.equals(done.ok())) {
                lastSeen.put(key, done.kind() == Operation.Kind.GET ? done.result() : done.value());
            }
            if (done.indeterminate()) {
                generation++; // this client may still have an operation in flight: a new one takes over
            }
        }
    }

    private Operation get(int client, String key, InetSocketAddress server, boolean lease) {
        long call = recorder.now();
        Reply reply = send("GET", server, "/kv/" + ExampleClient.encode(key) + (lease ? "?consistency=lease" : ""), null);
        long ret = recorder.now();
        Operation o;
        if (reply.status == 200) {
            o = new Operation(client, Operation.Kind.GET, key, null, null, true, (String) reply.body.get("value"), call, ret);
        } else if (reply.status == 404) {
            o = new Operation(client, Operation.Kind.GET, key, null, null, true, null, call, ret);
        } else {
            o = new Operation(client, Operation.Kind.GET, key, null, null, false, null, call, ret); // observed nothing
        }
        if (lease && Boolean.TRUE.equals(o.ok())) {
            leaseReads.incrementAndGet();
        }
        recorder.record(o, reply.meta(server, lease ? "lease" : "linearizable"));
        return o;
    }

    private Operation put(int client, String key, String value, InetSocketAddress server) {
        long call = recorder.now();
        Reply reply = send("PUT", server, "/kv/" + ExampleClient.encode(key), value);
        long ret = recorder.now();
        Operation o = reply.status == 200 ? new Operation(client, Operation.Kind.PUT, key, value, null, true, null, call, ret)
                : reply.status == NOT_SENT ? new Operation(client, Operation.Kind.PUT, key, value, null, false, null, call, ret)
                : new Operation(client, Operation.Kind.PUT, key, value, null, null, null, call, null);
        recorder.record(o, reply.meta(server));
        return o;
    }

    private Operation cas(int client, String key, String expect, String value, InetSocketAddress server) {
        long call = recorder.now();
        String query = expect == null ? "?expectAbsent=true" : "?expect=" + ExampleClient.encode(expect);
        Reply reply = send("PUT", server, "/kv/" + ExampleClient.encode(key) + query, value);
        long ret = recorder.now();
        if (reply.status == NOT_SENT) {
            // Certainly no effect, and not a compare mismatch: the format says to leave it out.
            return new Operation(client, Operation.Kind.CAS, key, value, expect, false, null, call, ret);
        }
        Operation o = switch (reply.status) {
            case 200 -> new Operation(client, Operation.Kind.CAS, key, value, expect, true, null, call, ret);
            case 409 -> new Operation(client, Operation.Kind.CAS, key, value, expect, false, null, call, ret);
            default -> new Operation(client, Operation.Kind.CAS, key, value, expect, null, null, call, null);
        };
        recorder.record(o, reply.meta(server));
        return o;
    }

    /** The request never left: the connection was refused (the node is down), so it had no effect. */
    private static final int NOT_SENT = -1;

    /** A reply; status 0 means no answer (timeout, reset), {@link #NOT_SENT} a refused connection. */
    private record Reply(int status, Map<String, Object> body, String error) {
        String meta(InetSocketAddress server) {
            return Json.object("node", server.getPort(), "status", status, "err", error);
        }

        String meta(InetSocketAddress server, String consistency) {
            return Json.object("node", server.getPort(), "status", status, "err", error, "consistency", consistency);
        }
    }

    private Reply send(String method, InetSocketAddress server, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server.getHostString() + ":" + server.getPort() + path))
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Map<String, Object> parsed;
            try {
                parsed = Json.parse(response.body());
            } catch (IllegalArgumentException notJson) {
                parsed = Map.of();
            }
            return new Reply(response.statusCode(), parsed, response.statusCode() == 200 ? null
                    : String.valueOf(parsed.get("error")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(0, Map.of(), "interrupted");
        } catch (java.net.ConnectException e) {
            return new Reply(NOT_SENT, Map.of(), "connection refused");
        } catch (Exception e) {
            return new Reply(0, Map.of(), e.getClass().getSimpleName());
        }
    }
}

package io.synod.examples.demo;

import io.synod.examples.http.ExampleClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Example server processes on this machine, for the demo and the end-to-end tests: started with
 * this JVM's java binary and class path, on loopback ports, each logging to a file; stopped by
 * their own PIDs only.
 */
public final class LocalProcesses implements AutoCloseable {
    private final Path root;
    private final String command;
    private final Map<Integer, InetSocketAddress> consensus = new TreeMap<>();
    private final Map<Integer, InetSocketAddress> http = new TreeMap<>();
    private final Map<Integer, Process> running = new TreeMap<>();
    /** The group's initial members; nodes added later ({@link #addNode}) start with --join. */
    private final java.util.Set<Integer> initial = new java.util.TreeSet<>();
    /** Where node {@code from} reaches node {@code to}: its address, unless a test puts a proxy between them. */
    private java.util.function.BiFunction<Integer, Integer, InetSocketAddress> route = (from, to) -> consensus.get(to);
    private final List<String> extraArgs = new ArrayList<>();

    /**
     * @param root    data directories and logs go under it
     * @param command the server command, e.g. {@code kv}
     * @param nodes   how many nodes
     */
    public LocalProcesses(Path root, String command, int nodes) {
        this.root = root;
        this.command = command;
        List<Integer> ports = freePorts(2 * nodes);
        for (int id = 1; id <= nodes; id++) {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            consensus.put(id, new InetSocketAddress(loopback, ports.get(2 * (id - 1))));
            http.put(id, new InetSocketAddress(loopback, ports.get(2 * (id - 1) + 1)));
            initial.add(id);
        }
    }

    /**
     * Allocates ports for node {@code id}, not an initial member: {@link #start} runs it with
     * {@code --join}, to be added to the running group by {@code synod admin add}.
     */
    public void addNode(int id) {
        if (consensus.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists already");
        }
        List<Integer> ports = freePorts(2);
        consensus.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(0)));
        http.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get(1)));
    }

    public Map<Integer, InetSocketAddress> httpAddresses() {
        return http;
    }

    public List<InetSocketAddress> httpList() {
        return new ArrayList<>(http.values());
    }

    /** Each node's own consensus (listen) address. */
    public Map<Integer, InetSocketAddress> consensusAddresses() {
        return consensus;
    }

    /** From now on, node {@code from} is told to reach node {@code to} at {@code route(from, to)} (e.g. a fault proxy). */
    public void routeThrough(java.util.function.BiFunction<Integer, Integer, InetSocketAddress> route) {
        this.route = route;
    }

    /** Extra arguments for every server started from now on. */
    public void extraServerArgs(String... args) {
        extraArgs.addAll(List.of(args));
    }

    public Path logOf(int id) {
        return root.resolve("node-" + id + ".log");
    }

    /**
     * Starts (or restarts, on the same data directory) node {@code id}. Its {@code --members} are the
     * initial members (always: every node derives the group's memberships from them) and, for a node
     * added later, itself, with {@code --join} and the other added nodes as {@code --peers}.
     */
    public Process start(int id) {
        boolean joining = !initial.contains(id);
        String members = consensus.keySet().stream().filter(peer -> initial.contains(peer) || peer == id)
                .map(peer -> peer + "=" + hostPort(peer == id ? consensus.get(id) : routeOf(id, peer)))
                .collect(Collectors.joining(","));
        String peers = consensus.keySet().stream().filter(peer -> !initial.contains(peer) && peer != id)
                .map(peer -> peer + "=" + hostPort(routeOf(id, peer)))
                .collect(Collectors.joining(","));
        List<String> args = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.synod.examples.Synod",
                command, "serve", "--node", Integer.toString(id), "--members", members,
                "--http", http.get(id).getHostString() + ":" + http.get(id).getPort(),
                "--data", root.resolve("node-" + id).toString(), "--cluster", "synod-" + command));
        if (joining) {
            args.add("--join");
            if (!peers.isEmpty()) {
                args.addAll(List.of("--peers", peers));
            }
        }
        args.addAll(extraArgs);
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logOf(id).toFile())).start();
            running.put(id, process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + id + ": " + e.getMessage(), e);
        }
    }

    /** Node {@code from} reaches {@code to} through the route, or directly where the route has no link for them. */
    private InetSocketAddress routeOf(int from, int to) {
        InetSocketAddress routed = route.apply(from, to);
        return routed != null ? routed : consensus.get(to);
    }

    /** Node {@code id}'s consensus address as {@code HOST:PORT}, as {@code synod admin add} takes it. */
    public String consensusHostPort(int id) {
        return hostPort(consensus.get(id));
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    public Process process(int id) {
        return running.get(id);
    }

    /** Node {@code id}'s {@code GET /status} fields, or null if it does not answer within 500 ms. */
    public Map<String, Object> status(int id) {
        try {
            ExampleClient one = new ExampleClient(List.of(http.get(id)), Duration.ofMillis(500));
            return one.send("GET", "/status", null).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The node among {@code ids} that says it leads, or 0 if none does (or answers). */
    public int leaderAmong(Iterable<Integer> ids) {
        for (int id : ids) {
            Map<String, Object> status = status(id);
            if (status != null && Boolean.TRUE.equals(status.get("isLeader"))) {
                return id;
            }
        }
        return 0;
    }

    /** kill -9: the process gets no chance to clean up. */
    public void kill(int id) throws InterruptedException {
        Process process = running.remove(id);
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then kill -9 if it has not exited within 20 s. */
    public void stop(int id) throws InterruptedException {
        Process process = running.remove(id);
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Integer id : new ArrayList<>(running.keySet())) {
            stop(id);
        }
    }

    /** Ports free on loopback now, below the ephemeral range so outgoing connections never take them. */
    public static List<Integer> freePorts(int count) {
        List<Integer> ports = new ArrayList<>();
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; ports.size() < count && attempt < 10_000; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (ports.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ports.add(socket.getLocalPort());
            } catch (IOException taken) {
                // try another
            }
        }
        if (ports.size() < count) {
            throw new IllegalStateException("could not find " + count + " free loopback ports");
        }
        return ports;
    }
}

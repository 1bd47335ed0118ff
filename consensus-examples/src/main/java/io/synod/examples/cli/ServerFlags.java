package io.synod.examples.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a server node is and who its peers are, from flags or a small properties file (flags win):
 * <pre>
 * node=1
 * members=1=127.0.0.1:7101,2=127.0.0.1:7102,3=127.0.0.1:7103
 * http=127.0.0.1:8101
 * data=/var/lib/synod/node-1
 * cluster=synod-example
 * </pre>
 * A node added to a running group later (not among the initial members) also sets {@code join=true}
 * ({@code --join}); its {@code members} are still the group's initial members, plus itself.
 */
public final class ServerFlags {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "properties file with node, members, http, data, cluster")
    Path config;

    @Option(names = "--node", paramLabel = "ID", description = "this node's id (one of the member ids)")
    Integer node;

    @Option(names = "--members", paramLabel = "ID=HOST:PORT,...", description = "the group's initial members' consensus"
            + " addresses, this node's included (with --join: the initial members and this node)")
    String members;

    @Option(names = "--join", description = "this node is not an initial member: it joins a running group once"
            + " `synod admin add` adds it (keep the flag when it restarts)")
    boolean join;

    @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...", description = "with --join: nodes added to the group"
            + " since it started that this node must reach before its log names them (e.g. a leader that joined later)")
    String peers;

    @Option(names = "--http", paramLabel = "HOST:PORT", description = "where this node serves its HTTP API")
    String http;

    @Option(names = "--data", paramLabel = "DIR", description = "this node's data directory (created if missing)")
    Path data;

    @Option(names = "--cluster", paramLabel = "NAME", description = "cluster id; nodes of another cluster are refused (default: synod-example)")
    String cluster;

    /** The validated settings; a {@link ParameterException} naming what to fix otherwise. */
    public Settings resolve() {
        Properties file = new Properties();
        if (config != null) {
            try (Reader reader = Files.newBufferedReader(config)) {
                file.load(reader);
            } catch (IOException e) {
                throw error("cannot read the config file " + config + ": " + e.getMessage());
            }
        }
        String nodeText = node != null ? node.toString() : file.getProperty("node");
        String membersText = members != null ? members : file.getProperty("members");
        String httpText = http != null ? http : file.getProperty("http");
        String dataText = data != null ? data.toString() : file.getProperty("data");
        String clusterText = cluster != null ? cluster : file.getProperty("cluster", "synod-example");
        boolean joining = join || Boolean.parseBoolean(file.getProperty("join", "false"));
        String peersText = peers != null ? peers : file.getProperty("peers");
        if (nodeText == null) {
            throw error("missing the node id: give --node ID (or node=ID in --config)");
        }
        if (membersText == null) {
            throw error("missing the member list: give --members 1=HOST:PORT,2=HOST:PORT,... (or members= in --config)");
        }
        if (httpText == null) {
            throw error("missing the HTTP address: give --http HOST:PORT (or http= in --config)");
        }
        if (dataText == null) {
            throw error("missing the data directory: give --data DIR (or data= in --config)");
        }
        int id;
        try {
            id = Integer.parseInt(nodeText.trim());
        } catch (NumberFormatException e) {
            throw error("the node id must be a whole number, got '" + nodeText + "'");
        }
        Map<Integer, InetSocketAddress> memberMap = parseMembers(membersText, "--members");
        if (!memberMap.containsKey(id)) {
            throw error("node " + id + " is not in the member list " + memberMap.keySet() + ": add it (a node joining a"
                    + " running group lists the initial members and itself, with --join), or fix --node");
        }
        if (joining && memberMap.size() < 2) {
            throw error("--join: --members must list the group's initial members as well as this node");
        }
        Map<Integer, InetSocketAddress> peerMap = peersText == null ? Map.of() : parseMembers(peersText, "--peers");
        if (!joining && !peerMap.isEmpty()) {
            throw error("--peers is only for a node started with --join; the others learn new nodes from the log");
        }
        for (int peer : peerMap.keySet()) {
            if (memberMap.containsKey(peer)) {
                throw error("--peers lists node " + peer + ", which is in --members already");
            }
        }
        return new Settings(id, memberMap, address(httpText, "--http"), Path.of(dataText), clusterText, joining, peerMap);
    }

    private Map<Integer, InetSocketAddress> parseMembers(String text, String flag) {
        Map<Integer, InetSocketAddress> result = new TreeMap<>();
        for (String entry : text.split(",")) {
            String[] idAndAddress = entry.trim().split("=", 2);
            if (idAndAddress.length != 2) {
                throw error(flag + ": a member must look like ID=HOST:PORT, got '" + entry.trim() + "'");
            }
            int id;
            try {
                id = Integer.parseInt(idAndAddress[0].trim());
            } catch (NumberFormatException e) {
                throw error("a member id must be a whole number, got '" + idAndAddress[0] + "'");
            }
            if (result.put(id, address(idAndAddress[1], flag)) != null) {
                throw error(flag + ": member " + id + " appears twice");
            }
        }
        return result;
    }

    /** {@code HOST:PORT}; a clear error naming {@code flag} otherwise. */
    public static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("an address must look like HOST:PORT, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port in '" + text + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port in '" + text + "' must be between 1 and 65535");
        }
        return new InetSocketAddress(text.substring(0, colon).trim(), port);
    }

    private InetSocketAddress address(String text, String flag) {
        try {
            return parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw error(flag + ": " + e.getMessage());
        }
    }

    private ParameterException error(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * A server node's validated settings.
     *
     * @param joining whether the node is not an initial member ({@code members} then holds the initial members and it)
     * @param peers   nodes added since the group started, that a joining node must reach (usually empty)
     */
    public record Settings(int nodeId, Map<Integer, InetSocketAddress> members, InetSocketAddress http, Path data,
                           String cluster, boolean joining, Map<Integer, InetSocketAddress> peers) {
        /** An initial member's settings. */
        public Settings(int nodeId, Map<Integer, InetSocketAddress> members, InetSocketAddress http, Path data,
                        String cluster) {
            this(nodeId, members, http, data, cluster, false, Map.of());
        }
    }
}

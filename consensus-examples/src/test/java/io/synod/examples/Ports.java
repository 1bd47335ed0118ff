package io.synod.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback addresses for test clusters, chosen once per cluster so a restarted node comes back
 * at the same address. Ports are taken below the kernel's ephemeral range, so they never collide
 * with the local port of an outgoing connection.
 */
final class Ports {
    private Ports() {
    }

    static Map<Integer, InetSocketAddress> loopbackMembers(int count) {
        Map<Integer, InetSocketAddress> members = new TreeMap<>();
        for (int id = 1; id <= count; id++) {
            members.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort()));
        }
        return members;
    }

    static int freePort() {
        int limit = ephemeralRangeStart();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(limit - 20_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and " + limit);
    }

    private static int ephemeralRangeStart() {
        try {
            // Line by line: /proc files report a size that makes Files.readString stop early.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}

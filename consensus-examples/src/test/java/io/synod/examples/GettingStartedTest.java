package io.synod.examples;

import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of docs/api.md, compiled and run: three nodes of a replicated counter. */
class GettingStartedTest {

    /** The replicated state: a counter. apply must be deterministic. */
    static final class CounterMachine implements StateMachine {
        private long value;

        @Override
        public byte[] apply(long index, byte[] command) {
            value += Long.parseLong(new String(command, StandardCharsets.UTF_8));
            return Long.toString(value).getBytes(StandardCharsets.UTF_8);
        }
    }

    @TempDir
    Path dataRoot;

    @Test
    void threeNodesOfAReplicatedCounter() throws Exception {
        Map<Integer, InetSocketAddress> members = Ports.loopbackMembers(3); // in the docs: fixed addresses

        List<SynodNode> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            SynodNode node = SynodNode.builder()
                    .clusterId("counters")
                    .nodeId(id)
                    .members(members)
                    .dataDirectory(dataRoot.resolve("node-" + id)) // in the docs: /var/lib/counters/synod
                    .stateMachine(new CounterMachine())
                    .build();
            nodes.add(node);
        }

        byte[] result = nodes.get(0).group(0).propose("5".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertEquals("5", new String(result, StandardCharsets.UTF_8));
        byte[] next = nodes.get(2).group(0).propose("2".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertEquals("7", new String(next, StandardCharsets.UTF_8), "a follower forwards; the counter is shared");

        nodes.forEach(SynodNode::close);
    }
}

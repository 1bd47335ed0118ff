package io.synod.core.runtime;

import io.synod.core.api.MetricsListener;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import io.synod.core.storage.InMemoryStorage;
import io.synod.core.transport.InMemoryNetwork;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitoring surface: a MetricsListener sees the events, JMX shows the node's state. */
class MonitoringTest {

    @Test
    void listenerAndJmxReportWhatHappened() throws Exception {
        AtomicInteger leaderChanges = new AtomicInteger();
        AtomicLong applied = new AtomicLong();
        AtomicLong synced = new AtomicLong();
        MetricsListener listener = new MetricsListener() {
            @Override
            public void leaderChanged(long groupId, int leaderId) {
                leaderChanges.incrementAndGet();
            }

            @Override
            public void proposalApplied(long groupId, int commandBytes, long commitNanos, long applyNanos) {
                assertTrue(commitNanos > 0 && applyNanos >= commitNanos, commitNanos + " / " + applyNanos);
                applied.incrementAndGet();
            }

            @Override
            public void journalSynced(long groupId, int records, long syncNanos) {
                synced.incrementAndGet();
            }
        };
        SynodOptions options = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
                .electionTimeoutMillis(150).retransmitMillis(40).registerJmx(true).build();
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        try (SynodNode node = SynodNode.builder().nodeId(1).memberIds(Set.of(1)).storage(new InMemoryStorage())
                .transport(new InMemoryNetwork().join(1)).stateMachine(new Counter()).options(options)
                .metricsListener(listener).build()) {
            for (int i = 0; i < 10; i++) {
                node.group(0).propose(("m" + i).getBytes()).get(10, TimeUnit.SECONDS);
            }
            assertEquals(10, applied.get());
            assertTrue(synced.get() > 0, "journal syncs reported");
            assertTrue(leaderChanges.get() >= 1, "the election was reported");

            Set<ObjectName> names = jmx.queryNames(new ObjectName("io.synod:type=Node,node=1,*"), null);
            assertEquals(1, names.size(), "one bean for the node: " + names);
            ObjectName name = names.iterator().next();
            assertEquals(10L, jmx.getAttribute(name, "ProposalsApplied"));
            assertEquals(1, jmx.getAttribute(name, "GroupsLed"));
            assertEquals(Map.of(0L, 1), jmx.getAttribute(name, "Leaders") instanceof javax.management.openmbean.TabularData t
                    ? Map.of(0L, (Integer) t.get(new Object[] {0L}).get("value")) : Map.of());
            assertEquals(0, jmx.getAttribute(name, "PendingProposals"));
        }
        assertTrue(jmx.queryNames(new ObjectName("io.synod:type=Node,node=1,*"), null).isEmpty(),
                "the bean is unregistered on close");
    }
}

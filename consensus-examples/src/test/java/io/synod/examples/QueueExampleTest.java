package io.synod.examples;

import io.synod.examples.http.ExampleClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue example end to end: FIFO order, at-least-once redelivery of unacknowledged messages, a leader kill. */
class QueueExampleTest {
    @TempDir
    Path root;

    @Test
    void everyMessageIsDeliveredAtLeastOnceInOrderAcrossALeaderKill() throws Exception {
        try (ExampleCluster cluster = new ExampleCluster(root, "queue")) {
            ExampleClient client = cluster.client;
            for (int i = 0; i < 20; i++) {
                assertEquals(200, client.send("POST", "/queue/jobs", "job-" + i).status());
            }
            // A consumer takes five and acknowledges three, then "crashes" holding two.
            Map<String, Long> ids = new HashMap<>();
            for (int i = 0; i < 5; i++) {
                ExampleClient.Reply job = client.send("POST", "/queue/jobs/pop?consumer=c1&visibilityMs=2000", null);
                assertEquals("job-" + i, job.get("value"), "FIFO");
                ids.put((String) job.get("value"), (Long) job.get("id"));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(true, client.send("POST", "/queue/jobs/ack/" + ids.get("job-" + i) + "?consumer=c1", null).get("acked"));
            }
            assertEquals(2L, client.send("GET", "/queue/jobs", null).get("inFlight"), "two taken, not acknowledged");

            cluster.killLeader();
            Thread.sleep(2_100); // c1's visibility timeout passes

            Set<String> done = new HashSet<>(Set.of("job-0", "job-1", "job-2"));
            int redelivered = 0;
            while (true) {
                ExampleClient.Reply job = client.send("POST", "/queue/jobs/pop?consumer=c2&visibilityMs=30000", null);
                if (job.status() == 404) {
                    break;
                }
                assertEquals(200, job.status(), job.body().toString());
                String value = (String) job.get("value");
                if ((Long) job.get("deliveries") > 1) {
                    redelivered++;
                    assertTrue(value.equals("job-3") || value.equals("job-4"), "only unacknowledged jobs come back: " + value);
                }
                assertTrue(done.add(value), "delivered again after it was acknowledged: " + value);
                assertEquals(true, client.send("POST", "/queue/jobs/ack/" + job.get("id") + "?consumer=c2", null).get("acked"));
            }
            assertEquals(2, redelivered, "the two jobs c1 never acknowledged");
            assertEquals(20, done.size(), "every job delivered: " + done);
            assertEquals(0L, client.send("GET", "/queue/jobs", null).get("size"));

            ExampleClient.Reply late = client.send("POST", "/queue/jobs/ack/" + ids.get("job-3") + "?consumer=c1", null);
            assertEquals(409, late.status(), "c1's acknowledgement after redelivery: " + late.body());
            assertEquals(400, client.send("POST", "/queue/jobs/pop", null).status());
            assertEquals(400, client.send("POST", "/queue/jobs/pop?consumer=x&visibilityMs=1", null).status());
            assertEquals(400, client.send("POST", "/queue/jobs/ack/abc?consumer=x", null).status());
            assertEquals(405, client.send("DELETE", "/queue/jobs", null).status());
        }
    }
}

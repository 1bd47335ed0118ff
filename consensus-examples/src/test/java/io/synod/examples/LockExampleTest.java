package io.synod.examples;

import io.synod.examples.http.ExampleClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lock example end to end: leases, fencing tokens refusing a paused holder, a leader kill. */
class LockExampleTest {
    @TempDir
    Path root;

    @Test
    void aHolderWhoseLeaseExpiredCannotCorruptTheResourceAcrossALeaderKill() throws Exception {
        try (ExampleCluster cluster = new ExampleCluster(root, "lock")) {
            ExampleClient client = cluster.client;
            ExampleClient.Reply a = client.send("POST", "/lock/printer/acquire?owner=alice&ttlMs=1000", null);
            assertEquals(200, a.status(), a.body().toString());
            long aliceToken = (Long) a.get("token");
            assertEquals(200, client.send("PUT", "/lock/printer/resource?token=" + aliceToken, "alice-1").status());

            ExampleClient.Reply early = client.send("POST", "/lock/printer/acquire?owner=bob&ttlMs=5000", null);
            assertEquals(409, early.status(), "held by alice for now: " + early.body());
            assertEquals("alice", early.get("holder"));

            Thread.sleep(1_300); // alice "pauses" past her lease
            ExampleClient.Reply b = client.send("POST", "/lock/printer/acquire?owner=bob&ttlMs=30000", null);
            assertEquals(200, b.status(), b.body().toString());
            long bobToken = (Long) b.get("token");
            assertTrue(bobToken > aliceToken, "tokens only grow: " + aliceToken + " then " + bobToken);
            assertEquals(200, client.send("PUT", "/lock/printer/resource?token=" + bobToken, "bob-1").status());

            cluster.killLeader();

            ExampleClient.Reply stale = client.send("PUT", "/lock/printer/resource?token=" + aliceToken, "alice-2");
            assertEquals(409, stale.status(), "alice wakes up and writes with her old token: " + stale.body());
            assertTrue(String.valueOf(stale.get("error")).contains("stale fencing token"), stale.body().toString());
            ExampleClient.Reply status = client.send("GET", "/lock/printer", null);
            assertEquals("bob", status.get("owner"));
            assertEquals("bob-1", status.get("resource"), "the resource kept bob's write");

            ExampleClient.Reply renewed = client.send("POST", "/lock/printer/acquire?owner=bob&ttlMs=30000", null);
            assertEquals(bobToken, renewed.get("token"), "a renewal keeps the token");
            assertEquals(409, client.send("POST", "/lock/printer/release?owner=alice&token=" + aliceToken, null).status());
            assertEquals(true, client.send("POST", "/lock/printer/release?owner=bob&token=" + bobToken, null).get("released"));
            assertEquals(false, client.send("GET", "/lock/printer", null).get("held"));

            assertEquals(400, client.send("POST", "/lock/printer/acquire?owner=carol&ttlMs=5", null).status());
            assertEquals(400, client.send("POST", "/lock/printer/acquire?ttlMs=500", null).status());
            assertEquals(400, client.send("PUT", "/lock/printer/resource?token=abc", "x").status());
            assertEquals(405, client.send("GET", "/lock/printer/acquire?owner=c&ttlMs=500", null).status());
            assertEquals(400, client.send("POST", "/lock/printer/steal", null).status());
        }
    }
}

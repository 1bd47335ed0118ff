package io.synod.examples.bench;

import io.synod.examples.Synod;
import io.synod.examples.http.Json;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code synod bench} end to end, briefly: three replica processes, a few clients for two
 * seconds, one JSON line with the fields the peers' harness prints. (A smoke test of the tool, not
 * a measurement: figures come from real runs, see docs/benchmarks.md.)
 */
class BenchCommandTest {

    @Test
    void aShortRunPrintsOneJsonLineOfMeasurements() {
        assertAShortRunMeasures("embedded", "in-process");
    }

    @Test
    void theRemoteModeSendsTheLoadOverHttp() {
        assertAShortRunMeasures("remote", "HTTP");
    }

    private static void assertAShortRunMeasures(String mode, String clientMentions) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "bench", "--mode", mode, "--clients", "4", "--warmup", "1", "--seconds", "2",
                "--replica-jvm", "-Xmx256m -XX:+UseSerialGC");
        assertEquals(0, exit, err.toString());
        String line = out.toString().trim();
        assertEquals(1, line.lines().count(), line);
        Map<String, Object> result = Json.parse(line);
        assertEquals("synod", result.get("system"));
        assertTrue(((String) result.get("client")).contains(clientMentions), line);
        assertEquals(4, ((Number) result.get("clients")).intValue());
        assertEquals(128, ((Number) result.get("value_bytes")).intValue());
        assertTrue(((Number) result.get("ops")).longValue() > 0, line);
        assertEquals(0, ((Number) result.get("errors")).longValue(), line);
        for (String field : new String[] {"ops_per_s", "p50_ms", "p99_ms", "p999_ms", "leader_fsyncs_per_op",
                "win_own_cpu_cores", "cpu_ms_per_op"}) {
            assertTrue(result.get(field) instanceof Number, field + " in " + line);
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheFix() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "bench", "--replicas", "4"));
        assertTrue(err.toString().contains("--replicas must be 3 or 5, got 4"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "bench", "--value-bytes", "8"));
        assertTrue(err.toString().contains("--value-bytes must be between 12"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "bench", "--mode", "cloud"));
        assertTrue(err.toString().contains("--mode must be embedded or remote, got 'cloud'"), err.toString());
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Synod());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}

package io.synod.storage;

import io.synod.core.protocol.DurableState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real write error from the kernel, without root: {@link FileSizeLimitedWriter} runs under a
 * file-size limit of {@link #LIMIT_KIB} KiB ({@code ulimit -f}; the JVM ignores SIGXFSZ, so the
 * write fails with EFBIG "File too large"), which RocksDB's log hits after a few hundred appends.
 * The append that hits it must fail, the next be refused, the storage must recover by itself
 * (reopening starts a fresh log) and go on acknowledging, and every acknowledged append must
 * survive — checked by reopening the directory here, without the limit.
 */
class RealWriteErrorTest {
    private static final int LIMIT_KIB = 4096;

    @TempDir
    Path directory;

    @Test
    void aWriteThatTheKernelFailsIsNotAcknowledgedAndTheStorageRecoversByItself() throws Exception {
        Path data = directory.resolve("data");
        Path output = directory.resolve("child.out");
        Process child = ChildJvm.start(List.of("bash", "-c", "ulimit -S -f " + LIMIT_KIB + " && exec \"$@\"", "limited"),
                ProcessBuilder.Redirect.to(output.toFile()), FileSizeLimitedWriter.class, data.toString(), "efbig");
        boolean ended = child.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(ended, "the child did not finish:\n" + tail(printed));
        assertEquals(0, child.exitValue(), tail(printed));

        List<Long> acked = new ArrayList<>();
        for (String line : printed.split("\n")) {
            if (line.startsWith("ACK ")) {
                acked.add(Long.parseLong(line.substring(4)));
            }
        }
        int failed = printed.indexOf("FAIL ");
        assertTrue(failed > 0, "no write failed; the limit was never hit:\n" + tail(printed));
        String failLine = printed.substring(failed, printed.indexOf('\n', failed));
        assertTrue(failLine.contains("File too large"), failLine);
        assertTrue(printed.contains("REFUSED storage in"), "appends are refused while failing:\n" + tail(printed));
        assertTrue(printed.contains("RECOVERED") && printed.endsWith("DONE\n"), tail(printed));

        try (RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(data, "efbig").build())) {
            DurableState state = storage.recover(FileSizeLimitedWriter.GROUP);
            for (long slot : acked) {
                assertEquals(FileSizeLimitedWriter.valueOf(slot), state.accepted().get(slot).value(), "slot " + slot);
            }
        }
        System.out.printf("RealWriteErrorTest: %d appends acknowledged around %d real write failure(s): %s%n",
                acked.size(), printed.split("FAIL ").length - 1, failLine.substring(0, Math.min(200, failLine.length())));
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 3000));
    }
}

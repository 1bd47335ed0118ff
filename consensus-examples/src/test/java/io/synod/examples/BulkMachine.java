package io.synod.examples;

import io.synod.core.api.StateMachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A state machine with a large snapshot and a small heap: a few keys, plus "blobs" — blocks of
 * pseudo-random bytes defined by a seed and a size. The bytes exist only in snapshots: a snapshot
 * writes every blob out in full (so it really is that large on disk and on the wire), and
 * {@link #restore} regenerates each blob and compares the stream with it byte for byte, so a
 * transfer that lost, reordered or damaged a single byte fails the restore. Memory use stays
 * independent of the snapshot's size, which lets a test measure what Synod itself buffers.
 *
 * <p>Commands: {@code put <key> <value>}, {@code blob <seed> <bytes>}. Queries: {@code get <key>},
 * {@code blobs} (count and total bytes).
 */
public final class BulkMachine implements StateMachine {
    private static final int PIECE = 64 * 1024;

    private final Map<String, String> keys = new TreeMap<>();
    private final List<long[]> blobs = new ArrayList<>();
    private long blobBytes;

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        String[] words = new String(command, StandardCharsets.UTF_8).split(" ", 3);
        switch (words[0]) {
            case "put" -> keys.put(words[1], words[2]);
            case "blob" -> {
                long seed = Long.parseLong(words[1]);
                long size = Long.parseLong(words[2]);
                blobs.add(new long[] {seed, size});
                blobBytes += size;
            }
            default -> throw new IllegalArgumentException("unknown command " + words[0]);
        }
        return Long.toString(index).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        String[] words = new String(query, StandardCharsets.UTF_8).split(" ", 2);
        String answer = switch (words[0]) {
            case "get" -> String.valueOf(keys.get(words[1]));
            case "blobs" -> blobs.size() + " " + blobBytes;
            default -> throw new IllegalArgumentException("unknown query " + words[0]);
        };
        return answer.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized Snapshot snapshot() {
        Map<String, String> keysCopy = new TreeMap<>(keys);
        List<long[]> blobsCopy = new ArrayList<>(blobs);
        return out -> write(keysCopy, blobsCopy, out);
    }

    private static void write(Map<String, String> keys, List<long[]> blobs, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeInt(keys.size());
        for (Map.Entry<String, String> e : keys.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(blobs.size());
        for (long[] blob : blobs) {
            out.writeLong(blob[0]);
            out.writeLong(blob[1]);
        }
        byte[] piece = new byte[PIECE];
        for (long[] blob : blobs) {
            SplittableRandom content = new SplittableRandom(blob[0]);
            for (long left = blob[1]; left > 0; left -= PIECE) {
                int n = (int) Math.min(PIECE, left);
                fill(content, piece, n);
                out.write(piece, 0, n);
            }
        }
        out.flush();
    }

    @Override
    public void restore(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        Map<String, String> restoredKeys = new TreeMap<>();
        int keyCount = in.readInt();
        for (int i = 0; i < keyCount; i++) {
            restoredKeys.put(in.readUTF(), in.readUTF());
        }
        int blobCount = in.readInt();
        List<long[]> restoredBlobs = new ArrayList<>(blobCount);
        long total = 0;
        for (int i = 0; i < blobCount; i++) {
            long[] blob = {in.readLong(), in.readLong()};
            restoredBlobs.add(blob);
            total += blob[1];
        }
        byte[] expected = new byte[PIECE];
        byte[] actual = new byte[PIECE];
        long position = 0;
        for (long[] blob : restoredBlobs) {
            SplittableRandom content = new SplittableRandom(blob[0]);
            for (long left = blob[1]; left > 0; left -= PIECE) {
                int n = (int) Math.min(PIECE, left);
                fill(content, expected, n);
                in.readFully(actual, 0, n);
                if (!Arrays.equals(expected, 0, n, actual, 0, n)) {
                    throw new IOException("snapshot content differs from the blobs it describes near byte " + position);
                }
                position += n;
            }
        }
        synchronized (this) {
            keys.clear();
            keys.putAll(restoredKeys);
            blobs.clear();
            blobs.addAll(restoredBlobs);
            blobBytes = total;
        }
    }

    private static void fill(SplittableRandom random, byte[] into, int n) {
        for (int i = 0; i < n; i += 8) {
            long word = random.nextLong();
            for (int b = 0; b < 8 && i + b < n; b++) {
                into[i + b] = (byte) (word >>> (8 * b));
            }
        }
    }
}

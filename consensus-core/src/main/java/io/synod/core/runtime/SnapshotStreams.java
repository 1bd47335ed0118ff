package io.synod.core.runtime;

import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.SnapshotWriter;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import io.synod.core.protocol.MembershipHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The runtime's snapshot format — a header (magic, format version, the group's command counters,
 * the group's memberships, the session table) followed by the application's own bytes — and
 * streams over the storage SPI's chunked snapshot writer and reader.
 */
final class SnapshotStreams {
    static final int MAGIC = 0x53594E53; // "SYNS"
    static final byte VERSION = 2;
    /** A membership history is a few hundred bytes; anything far larger is a corrupt length. */
    private static final int MAX_MEMBERSHIPS_BYTES = 1 << 20;

    private SnapshotStreams() {
    }

    /**
     * What a snapshot restores besides the application's state and the sessions: the command
     * counters, and the memberships folded through the snapshot's slot.
     */
    record Counters(long commandIndex, long position, MembershipHistory memberships) {
    }

    /** Writes the header; {@code sessions} is what {@link SessionTable#writeTo} wrote when the state was captured. */
    static void writeHeader(DataOutputStream out, Counters counters, byte[] sessions) throws IOException {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeLong(counters.commandIndex());
        out.writeLong(counters.position());
        byte[] memberships = counters.memberships().encode();
        out.writeInt(memberships.length);
        out.write(memberships);
        out.write(sessions);
    }

    /** Reads the header (restoring {@code sessions}); the stream is then at the application's bytes. */
    static Counters readHeader(DataInputStream in, SessionTable sessions) throws IOException {
        Counters counters = readCounters(in);
        sessions.readFrom(in);
        return counters;
    }

    /** Reads the header up to (not including) the session table. */
    static Counters readCounters(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a Synod snapshot (magic %08x)", magic));
        }
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("snapshot format version " + version + " is not one this Synod reads (" + VERSION + ")");
        }
        long commandIndex = in.readLong();
        long position = in.readLong();
        int length = in.readInt();
        if (length < 0 || length > MAX_MEMBERSHIPS_BYTES) {
            throw new IOException("snapshot header: a membership history of " + length + " bytes");
        }
        byte[] memberships = new byte[length];
        in.readFully(memberships);
        try {
            return new Counters(commandIndex, position, MembershipHistory.decode(memberships));
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot header: " + e.getMessage(), e);
        }
    }

    static OutputStream output(SnapshotWriter writer) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writer.write(b, off, len);
            }
        };
    }

    static InputStream input(SnapshotReader reader) {
        return new InputStream() {
            @Override
            public int read() {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len == 0 ? 0 : reader.read(b, off, len);
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    /** A view of {@code in} the application may read to its end but cannot close. */
    static InputStream unclosable(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the runtime closes the snapshot
            }
        };
    }
}

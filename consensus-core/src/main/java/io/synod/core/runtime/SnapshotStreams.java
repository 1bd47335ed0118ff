package io.synod.core.runtime;

import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.SnapshotWriter;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The runtime's snapshot format — a header (magic, format version, the group's command counters,
 * the session table) followed by the application's own bytes — and streams over the storage SPI's
 * chunked snapshot writer and reader.
 */
final class SnapshotStreams {
    static final int MAGIC = 0x53594E53; // "SYNS"
    static final byte VERSION = 1;

    private SnapshotStreams() {
    }

    /** The counters a snapshot restores besides the application's state and the sessions. */
    record Counters(long commandIndex, long position) {
    }

    /** Writes the header; {@code sessions} is what {@link SessionTable#writeTo} wrote when the state was captured. */
    static void writeHeader(DataOutputStream out, Counters counters, byte[] sessions) throws IOException {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeLong(counters.commandIndex());
        out.writeLong(counters.position());
        out.write(sessions);
    }

    /** Reads the header (restoring {@code sessions}); the stream is then at the application's bytes. */
    static Counters readHeader(DataInputStream in, SessionTable sessions) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a Synod snapshot (magic %08x)", magic));
        }
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("snapshot format version " + version + " is not one this Synod reads (" + VERSION + ")");
        }
        Counters counters = new Counters(in.readLong(), in.readLong());
        sessions.readFrom(in);
        return counters;
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

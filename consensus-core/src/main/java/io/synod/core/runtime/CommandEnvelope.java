package io.synod.core.runtime;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a command's bytes in the log carry: one kind byte, then the kind's fields, then (for
 * commands of the application) the application's bytes. Session bookkeeping travels through the
 * log like any command, so every replica applies it in the same order.
 */
record CommandEnvelope(Kind kind, long clientId, long sequence, long acknowledgedThrough, long maxIdleEntries,
                       byte[] command) {

    enum Kind {
        /** An application command outside any session. */
        PLAIN,
        /** Opens a session; its id is the position of this command in the log's sequence of commands. */
        OPEN_SESSION,
        /** An application command in a session: applied at most once per (client id, sequence). */
        IN_SESSION,
        /** Closes a session and forgets its results. */
        CLOSE_SESSION
    }

    static byte[] plain(byte[] command) {
        byte[] bytes = new byte[command.length + 1];
        bytes[0] = (byte) Kind.PLAIN.ordinal();
        System.arraycopy(command, 0, bytes, 1, command.length);
        return bytes;
    }

    static byte[] openSession(long maxIdleEntries) {
        return encode(Kind.OPEN_SESSION, out -> out.writeLong(maxIdleEntries));
    }

    static byte[] inSession(long clientId, long sequence, long acknowledgedThrough, byte[] command) {
        return encode(Kind.IN_SESSION, out -> {
            out.writeLong(clientId);
            out.writeLong(sequence);
            out.writeLong(acknowledgedThrough);
            out.write(command);
        });
    }

    static byte[] closeSession(long clientId) {
        return encode(Kind.CLOSE_SESSION, out -> out.writeLong(clientId));
    }

    /** Decodes bytes from the log; anything malformed is a bug or corruption, never client input. */
    static CommandEnvelope decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] < 0 || bytes[0] >= Kind.values().length) {
            throw new IllegalStateException("a command in the log has no valid kind byte (" + bytes.length + " bytes)");
        }
        Kind kind = Kind.values()[bytes[0]];
        if (kind == Kind.PLAIN) {
            return new CommandEnvelope(kind, 0, 0, 0, 0, java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
            switch (kind) {
                case OPEN_SESSION:
                    return new CommandEnvelope(kind, 0, 0, 0, in.readLong(), null);
                case IN_SESSION: {
                    long client = in.readLong();
                    long sequence = in.readLong();
                    long acknowledged = in.readLong();
                    return new CommandEnvelope(kind, client, sequence, acknowledged, 0, in.readAllBytes());
                }
                default:
                    return new CommandEnvelope(kind, in.readLong(), 0, 0, 0, null);
            }
        } catch (IOException e) {
            throw new IllegalStateException("a " + kind + " command in the log is truncated", e);
        }
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] encode(Kind kind, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind.ordinal());
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}

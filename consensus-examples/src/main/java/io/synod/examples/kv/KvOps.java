package io.synod.examples.kv;

import io.synod.examples.cli.Codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The binary encoding of the key-value store's commands, queries and results. */
public final class KvOps {
    /** Longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    public enum Kind { PUT, DELETE, CAS, GET }

    /** One operation; {@code expected} and {@code expectAbsent} only for CAS. */
    public record Op(Kind kind, String key, String value, String expected, boolean expectAbsent) {
    }

    /** An operation's outcome: whether it found / wrote the key, the value now there, and its version. */
    public record Result(boolean ok, String value, long version) {
    }

    private KvOps() {
    }

    public static byte[] put(String key, String value) {
        return encode(new Op(Kind.PUT, key, value, null, false));
    }

    public static byte[] delete(String key) {
        return encode(new Op(Kind.DELETE, key, null, null, false));
    }

    /** Sets {@code key} to {@code value} if it now holds {@code expected} (or is absent, when {@code expected} is null). */
    public static byte[] cas(String key, String expected, String value) {
        return encode(new Op(Kind.CAS, key, value, expected, expected == null));
    }

    public static byte[] get(String key) {
        return encode(new Op(Kind.GET, key, null, null, false));
    }

    /** Why {@code key} is not a valid key, or null if it is. */
    public static String invalidKey(String key) {
        if (key == null || key.isEmpty()) {
            return "the key is empty";
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        return bytes > MAX_KEY_BYTES ? "the key is " + bytes + " bytes long; at most " + MAX_KEY_BYTES + " are allowed" : null;
    }

    static byte[] encode(Op op) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(op.kind().ordinal());
            out.writeUTF(op.key());
            Codec.writeString(out, op.value());
            Codec.writeString(out, op.expected());
            out.writeBoolean(op.expectAbsent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Op decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int kind = in.readUnsignedByte();
            if (kind >= Kind.values().length) {
                throw new IllegalArgumentException("unknown key-value operation " + kind);
            }
            return new Op(Kind.values()[kind], in.readUTF(), Codec.readString(in), Codec.readString(in), in.readBoolean());
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed key-value operation: " + e, e);
        }
    }

    static byte[] result(boolean ok, String value, long version) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(ok);
            Codec.writeString(out, value);
            out.writeLong(version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Result decodeResult(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            return new Result(in.readBoolean(), Codec.readString(in), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}

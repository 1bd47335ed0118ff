package io.synod.examples.lock;

import io.synod.core.api.StateMachine;
import io.synod.examples.cli.Codec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A lock service with leases and fencing tokens, plus a fenced resource per lock to show what the
 * tokens are for.
 *
 * <p><b>Time.</b> A state machine must be deterministic, so it cannot read a clock. Every command
 * carries its proposer's wall-clock time; the machine's notion of "now" is the largest time any
 * applied command carried, the same on every replica. A lease expires when a command arrives
 * whose time is past it. Clock differences between clients only make leases end a little early or
 * late; they never make two holders' writes both succeed, because the resource checks tokens.
 *
 * <p><b>Fencing.</b> The token of an acquisition is the log index of the command that granted it:
 * increasing for every grant of every lock. The resource remembers the highest token that wrote
 * to it and refuses lower ones — so a holder that paused past its lease, while another client
 * acquired the lock and wrote, is refused when it wakes up and writes.
 */
public final class LockMachine implements StateMachine {
    enum Op { ACQUIRE, RELEASE, WRITE, STATUS }

    /** A held lock. */
    record Holder(String owner, long token, long expiresAt) {
    }

    /** The fenced resource of one lock: its data and the highest token that wrote it. */
    record Resource(String data, long highestToken) {
    }

    private final Map<String, Holder> locks = new TreeMap<>();
    private final Map<String, Resource> resources = new TreeMap<>();
    private long now;

    static byte[] acquire(String name, String owner, long ttlMillis, long nowMillis) {
        return Codec.encode(Op.ACQUIRE.name(), name, owner, ttlMillis, nowMillis);
    }

    static byte[] release(String name, String owner, long token, long nowMillis) {
        return Codec.encode(Op.RELEASE.name(), name, owner, token, nowMillis);
    }

    static byte[] write(String name, long token, String data, long nowMillis) {
        return Codec.encode(Op.WRITE.name(), name, null, token, nowMillis, data);
    }

    static byte[] status(String name) {
        return Codec.encode(Op.STATUS.name(), name);
    }

    /** Outcome of a command or query: whether it succeeded, and the fields to report. */
    record Outcome(boolean ok, String owner, long token, long expiresAt, String data, String reason) {
        byte[] encode() {
            return Codec.encode(ok, owner, token, expiresAt, data, reason);
        }

        static Outcome decode(byte[] bytes) {
            try (DataInputStream in = Codec.reader(bytes)) {
                return new Outcome(in.readBoolean(), Codec.readString(in), in.readLong(), in.readLong(),
                        Codec.readString(in), Codec.readString(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        try (DataInputStream in = Codec.reader(command)) {
            Op op = Op.valueOf(Codec.readString(in));
            String name = Codec.readString(in);
            return switch (op) {
                case ACQUIRE -> {
                    String owner = Codec.readString(in);
                    long ttl = in.readLong();
                    advance(in.readLong());
                    yield acquire(index, name, owner, ttl).encode();
                }
                case RELEASE -> {
                    String owner = Codec.readString(in);
                    long token = in.readLong();
                    advance(in.readLong());
                    yield release(name, owner, token).encode();
                }
                case WRITE -> {
                    Codec.readString(in);
                    long token = in.readLong();
                    advance(in.readLong());
                    yield write(name, token, Codec.readString(in)).encode();
                }
                case STATUS -> throw new IllegalArgumentException("STATUS is a query");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed lock command: " + e, e);
        }
    }

    private void advance(long commandTime) {
        now = Math.max(now, commandTime);
    }

    private Outcome acquire(long index, String name, String owner, long ttl) {
        Holder holder = locks.get(name);
        if (holder != null && holder.expiresAt() > now && !holder.owner().equals(owner)) {
            return new Outcome(false, holder.owner(), holder.token(), holder.expiresAt(), null,
                    "held by " + holder.owner() + " until " + holder.expiresAt());
        }
        // Free, expired, or a renewal by the holder (which keeps its token).
        long token = holder != null && holder.owner().equals(owner) && holder.expiresAt() > now ? holder.token() : index;
        Holder granted = new Holder(owner, token, now + ttl);
        locks.put(name, granted);
        return new Outcome(true, owner, token, granted.expiresAt(), null, null);
    }

    private Outcome release(String name, String owner, long token) {
        Holder holder = locks.get(name);
        if (holder == null || !holder.owner().equals(owner) || holder.token() != token) {
            return new Outcome(false, holder == null ? null : holder.owner(), holder == null ? 0 : holder.token(), 0, null,
                    "not held by " + owner + " with token " + token);
        }
        locks.remove(name);
        return new Outcome(true, owner, token, 0, null, null);
    }

    private Outcome write(String name, long token, String data) {
        Resource resource = resources.getOrDefault(name, new Resource(null, 0));
        if (token < resource.highestToken()) {
            return new Outcome(false, null, resource.highestToken(), 0, resource.data(),
                    "stale fencing token " + token + ": the resource was already written with token " + resource.highestToken());
        }
        resources.put(name, new Resource(data, token));
        return new Outcome(true, null, token, 0, data, null);
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        try (DataInputStream in = Codec.reader(query)) {
            Op op = Op.valueOf(Codec.readString(in));
            if (op != Op.STATUS) {
                throw new IllegalArgumentException(op + " is a command");
            }
            String name = Codec.readString(in);
            Holder holder = locks.get(name);
            Resource resource = resources.get(name);
            boolean held = holder != null && holder.expiresAt() > now;
            return new Outcome(held, held ? holder.owner() : null, held ? holder.token() : 0, held ? holder.expiresAt() : 0,
                    resource == null ? null : resource.data(), null).encode();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed lock query: " + e, e);
        }
    }

    @Override
    public synchronized Snapshot snapshot() {
        Map<String, Holder> lockCopy = new TreeMap<>(locks);
        Map<String, Resource> resourceCopy = new TreeMap<>(resources);
        long nowCopy = now;
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeLong(nowCopy);
            data.writeInt(lockCopy.size());
            for (Map.Entry<String, Holder> e : lockCopy.entrySet()) {
                Codec.writeString(data, e.getKey());
                Codec.writeString(data, e.getValue().owner());
                data.writeLong(e.getValue().token());
                data.writeLong(e.getValue().expiresAt());
            }
            data.writeInt(resourceCopy.size());
            for (Map.Entry<String, Resource> e : resourceCopy.entrySet()) {
                Codec.writeString(data, e.getKey());
                Codec.writeString(data, e.getValue().data());
                data.writeLong(e.getValue().highestToken());
            }
            data.flush();
        };
    }

    @Override
    public void restore(InputStream snapshot) throws IOException {
        DataInputStream in = new DataInputStream(snapshot);
        long restoredNow = in.readLong();
        Map<String, Holder> restoredLocks = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            restoredLocks.put(Codec.readString(in), new Holder(Codec.readString(in), in.readLong(), in.readLong()));
        }
        Map<String, Resource> restoredResources = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            restoredResources.put(Codec.readString(in), new Resource(Codec.readString(in), in.readLong()));
        }
        synchronized (this) {
            now = restoredNow;
            locks.clear();
            locks.putAll(restoredLocks);
            resources.clear();
            resources.putAll(restoredResources);
        }
    }
}

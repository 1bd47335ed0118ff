package io.synod.examples.queue;

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
 * Replicated FIFO queues with at-least-once delivery. A pop hands out the oldest visible message to
 * a consumer and hides it for a visibility timeout; an acknowledgement by that consumer deletes it;
 * a message not acknowledged in time becomes visible again and is delivered anew (its delivery
 * count says so). Message ids are the log index of the push. Time comes from the commands (the
 * largest time any applied command carried), so every replica agrees on visibility.
 */
public final class QueueMachine implements StateMachine {
    enum Op { PUSH, POP, ACK, STATS }

    record Message(String value, String consumer, long invisibleUntil, int deliveries) {
    }

    /** A command's or query's outcome. */
    record Outcome(boolean ok, long id, String value, int deliveries, long size, long inFlight, String reason) {
        byte[] encode() {
            return Codec.encode(ok, id, value, (long) deliveries, size, inFlight, reason);
        }

        static Outcome decode(byte[] bytes) {
            try (DataInputStream in = Codec.reader(bytes)) {
                return new Outcome(in.readBoolean(), in.readLong(), Codec.readString(in), (int) in.readLong(), in.readLong(),
                        in.readLong(), Codec.readString(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Map<String, TreeMap<Long, Message>> queues = new TreeMap<>();
    private long now;

    static byte[] push(String queue, String value, long nowMillis) {
        return Codec.encode(Op.PUSH.name(), queue, nowMillis, value, null, 0L);
    }

    static byte[] pop(String queue, String consumer, long visibilityMillis, long nowMillis) {
        return Codec.encode(Op.POP.name(), queue, nowMillis, null, consumer, visibilityMillis);
    }

    static byte[] ack(String queue, long id, String consumer, long nowMillis) {
        return Codec.encode(Op.ACK.name(), queue, nowMillis, null, consumer, id);
    }

    static byte[] stats(String queue) {
        return Codec.encode(Op.STATS.name(), queue, 0L, null, null, 0L);
    }

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        try (DataInputStream in = Codec.reader(command)) {
            Op op = Op.valueOf(Codec.readString(in));
            String name = Codec.readString(in);
            now = Math.max(now, in.readLong());
            String value = Codec.readString(in);
            String consumer = Codec.readString(in);
            long number = in.readLong();
            TreeMap<Long, Message> queue = queues.computeIfAbsent(name, n -> new TreeMap<>());
            Outcome outcome = switch (op) {
                case PUSH -> {
                    queue.put(index, new Message(value, null, 0, 0));
                    yield new Outcome(true, index, value, 0, queue.size(), 0, null);
                }
                case POP -> pop(queue, consumer, number);
                case ACK -> ack(queue, number, consumer);
                case STATS -> throw new IllegalArgumentException("STATS is a query");
            };
            if (queue.isEmpty()) {
                queues.remove(name);
            }
            return outcome.encode();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed queue command: " + e, e);
        }
    }

    private Outcome pop(TreeMap<Long, Message> queue, String consumer, long visibility) {
        for (Map.Entry<Long, Message> e : queue.entrySet()) {
            Message m = e.getValue();
            if (m.invisibleUntil() <= now) {
                Message delivered = new Message(m.value(), consumer, now + visibility, m.deliveries() + 1);
                queue.put(e.getKey(), delivered);
                return new Outcome(true, e.getKey(), m.value(), delivered.deliveries(), queue.size(), 0, null);
            }
        }
        return new Outcome(false, 0, null, 0, queue.size(), queue.size(), "no visible message");
    }

    private Outcome ack(TreeMap<Long, Message> queue, long id, String consumer) {
        Message m = queue.get(id);
        if (m == null) {
            return new Outcome(false, id, null, 0, queue.size(), 0, "no message " + id + " (already acknowledged?)");
        }
        if (!consumer.equals(m.consumer())) {
            return new Outcome(false, id, null, m.deliveries(), queue.size(), 0, "message " + id
                    + " was delivered to " + m.consumer() + " since; only its latest consumer may acknowledge it");
        }
        queue.remove(id);
        return new Outcome(true, id, null, m.deliveries(), queue.size(), 0, null);
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        try (DataInputStream in = Codec.reader(query)) {
            Codec.readString(in);
            TreeMap<Long, Message> queue = queues.getOrDefault(Codec.readString(in), new TreeMap<>());
            long inFlight = queue.values().stream().filter(m -> m.invisibleUntil() > now).count();
            return new Outcome(true, 0, null, 0, queue.size(), inFlight, null).encode();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed queue query: " + e, e);
        }
    }

    @Override
    public synchronized Snapshot snapshot() {
        Map<String, TreeMap<Long, Message>> copy = new TreeMap<>();
        queues.forEach((name, queue) -> copy.put(name, new TreeMap<>(queue)));
        long nowCopy = now;
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeLong(nowCopy);
            data.writeInt(copy.size());
            for (Map.Entry<String, TreeMap<Long, Message>> q : copy.entrySet()) {
                Codec.writeString(data, q.getKey());
                data.writeInt(q.getValue().size());
                for (Map.Entry<Long, Message> e : q.getValue().entrySet()) {
                    data.writeLong(e.getKey());
                    Codec.writeString(data, e.getValue().value());
                    Codec.writeString(data, e.getValue().consumer());
                    data.writeLong(e.getValue().invisibleUntil());
                    data.writeInt(e.getValue().deliveries());
                }
            }
            data.flush();
        };
    }

    @Override
    public void restore(InputStream snapshot) throws IOException {
        DataInputStream in = new DataInputStream(snapshot);
        long restoredNow = in.readLong();
        Map<String, TreeMap<Long, Message>> restored = new TreeMap<>();
        for (int q = in.readInt(); q > 0; q--) {
            String name = Codec.readString(in);
            TreeMap<Long, Message> queue = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                queue.put(in.readLong(), new Message(Codec.readString(in), Codec.readString(in), in.readLong(), in.readInt()));
            }
            restored.put(name, queue);
        }
        synchronized (this) {
            now = restoredNow;
            queues.clear();
            queues.putAll(restored);
        }
    }
}

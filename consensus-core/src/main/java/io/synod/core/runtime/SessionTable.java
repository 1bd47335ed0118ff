package io.synod.core.runtime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sessions of one group: for each client, the results of its commands the client has not yet
 * acknowledged, so that a retried command returns its first result instead of being applied again.
 * Part of the replicated state: changed only by commands in log order, saved in snapshots.
 *
 * <p>Expiry is deterministic: a session expires once {@code maxIdleEntries} commands of the group
 * have been applied since its last command, checked whenever a command is applied. The limit is
 * chosen by the client when it opens the session and travels in the log, so replicas never
 * disagree about it. Confined to the group's apply thread.
 */
final class SessionTable {

    /** What a command of a session produced the first time it was applied. */
    record Outcome(byte[] result, String failure) {
        static Outcome failed(String failure) {
            return new Outcome(null, failure);
        }
    }

    private static final class Session {
        final long id;
        final long maxIdleEntries;
        long lastActive;
        long acknowledgedThrough;
        final TreeMap<Long, Outcome> results = new TreeMap<>();

        Session(long id, long maxIdleEntries, long lastActive) {
            this.id = id;
            this.maxIdleEntries = maxIdleEntries;
            this.lastActive = lastActive;
        }

        long expiresAfter() {
            return lastActive + maxIdleEntries;
        }
    }

    private record Expiry(long after, long id) implements Comparable<Expiry> {
        @Override
        public int compareTo(Expiry o) {
            int c = Long.compare(after, o.after);
            return c != 0 ? c : Long.compare(id, o.id);
        }
    }

    private final TreeMap<Long, Session> sessions = new TreeMap<>();
    private final TreeSet<Expiry> byExpiry = new TreeSet<>();

    int size() {
        return sessions.size();
    }

    /** Opens a session whose id is {@code position}, the opening command's position in the log. */
    void open(long position, long maxIdleEntries) {
        Session session = new Session(position, maxIdleEntries, position);
        sessions.put(position, session);
        byExpiry.add(new Expiry(session.expiresAfter(), position));
    }

    void close(long clientId) {
        Session session = sessions.remove(clientId);
        if (session != null) {
            byExpiry.remove(new Expiry(session.expiresAfter(), clientId));
        }
    }

    /** Expires every session idle for longer than its limit as of {@code position}. */
    void expire(long position) {
        while (!byExpiry.isEmpty() && byExpiry.first().after() < position) {
            sessions.remove(byExpiry.pollFirst().id());
        }
    }

    boolean exists(long clientId) {
        return sessions.containsKey(clientId);
    }

    /**
     * The outcome of a command the session already applied, or null if it must be applied now. Also
     * forgets results the client has acknowledged. Throws if the command is older than what the
     * client acknowledged (its result is gone; only a misbehaving client asks).
     */
    Outcome previous(long clientId, long sequence, long acknowledgedThrough, long position) {
        Session session = sessions.get(clientId);
        touch(session, position);
        if (acknowledgedThrough > session.acknowledgedThrough) {
            session.acknowledgedThrough = acknowledgedThrough;
            session.results.headMap(acknowledgedThrough, true).clear();
        }
        if (sequence <= session.acknowledgedThrough) {
            return Outcome.failed("command " + sequence + " of session " + clientId
                    + " was already acknowledged by its client; its result is no longer kept");
        }
        return session.results.get(sequence);
    }

    void record(long clientId, long sequence, Outcome outcome) {
        sessions.get(clientId).results.put(sequence, outcome);
    }

    private void touch(Session session, long position) {
        byExpiry.remove(new Expiry(session.expiresAfter(), session.id));
        session.lastActive = position;
        byExpiry.add(new Expiry(session.expiresAfter(), session.id));
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(sessions.size());
        for (Session s : sessions.values()) {
            out.writeLong(s.id);
            out.writeLong(s.maxIdleEntries);
            out.writeLong(s.lastActive);
            out.writeLong(s.acknowledgedThrough);
            out.writeInt(s.results.size());
            for (Map.Entry<Long, Outcome> r : s.results.entrySet()) {
                out.writeLong(r.getKey());
                Outcome o = r.getValue();
                out.writeBoolean(o.failure() == null);
                if (o.failure() == null) {
                    out.writeInt(o.result().length);
                    out.write(o.result());
                } else {
                    out.writeUTF(o.failure());
                }
            }
        }
    }

    /** Replaces this table with one read from a snapshot. */
    void readFrom(DataInputStream in) throws IOException {
        sessions.clear();
        byExpiry.clear();
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            Session s = new Session(in.readLong(), in.readLong(), in.readLong());
            s.acknowledgedThrough = in.readLong();
            int results = in.readInt();
            for (int r = 0; r < results; r++) {
                long sequence = in.readLong();
                if (in.readBoolean()) {
                    s.results.put(sequence, new Outcome(in.readNBytes(in.readInt()), null));
                } else {
                    s.results.put(sequence, Outcome.failed(in.readUTF()));
                }
            }
            sessions.put(s.id, s);
            byExpiry.add(new Expiry(s.expiresAfter(), s.id));
        }
    }
}

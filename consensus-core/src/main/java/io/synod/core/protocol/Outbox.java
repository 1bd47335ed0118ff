package io.synod.core.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the effects of one replica step. {@link #sendWhenDurable} is how persist-before-send
 * is expressed: the message leaves only once every record written so far, including this step's,
 * is durable. Messages to the replica itself are looped back instead of sent.
 */
final class Outbox {
    private final int self;
    private final List<JournalRecord> records = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final ArrayDeque<Message> local = new ArrayDeque<>();
    private final List<ChosenEntry> committed = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<Ready.SnapshotNeeded> snapshotsNeeded = new ArrayList<>();
    private final List<ReadIndex> reads = new ArrayList<>();
    private final List<Ready.JournalRead> journalReads = new ArrayList<>();
    private final DurabilityGate gate;

    Outbox(int self, DurabilityGate gate) {
        this.self = self;
        this.gate = gate;
    }

    /** Tracks which records are durable and holds the messages waiting for them. */
    interface DurabilityGate {
        /** Holds {@code message} until everything written so far is durable; false if it already is. */
        boolean holdUnlessDurable(Message message, boolean thisStepWroteRecords);
    }

    /** Whether this step sends an accept (which carries the commit point) to any other replica. */
    boolean sendsAccept() {
        for (Message m : messages) {
            if (m instanceof Message.Accept) {
                return true;
            }
        }
        return false;
    }

    void persist(JournalRecord record) {
        records.add(record);
    }

    /** Sends a message that does not depend on any unsynced state. */
    void send(Message message) {
        if (message.to() == self) {
            local.add(message);
        } else {
            messages.add(message);
        }
    }

    /** Sends a message that reports durable state: held until that state is synced. */
    void sendWhenDurable(Message message) {
        if (!gate.holdUnlessDurable(message, !records.isEmpty())) {
            send(message);
        }
    }

    void commit(ChosenEntry entry) {
        committed.add(entry);
    }

    void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    void read(ReadIndex read) {
        reads.add(read);
    }

    void needSnapshot(int source, long slot) {
        snapshotsNeeded.add(new Ready.SnapshotNeeded(source, slot));
    }

    void readJournal(Ready.JournalRead read) {
        journalReads.add(read);
    }

    /** The next looped-back message to handle, or null. */
    Message pollLocal() {
        return local.poll();
    }

    boolean hasLocal() {
        return !local.isEmpty();
    }

    boolean wroteRecords() {
        return !records.isEmpty();
    }

    Ready toReady(long persistSeq) {
        return new Ready(records, records.isEmpty() ? 0 : persistSeq, messages, committed, rejections, snapshotsNeeded, reads, journalReads);
    }
}

package io.synod.core.protocol;

/**
 * The outcome of a read-index request ({@link Replica#readIndex}).
 *
 * @param readId     the caller's id for the read
 * @param confirmed  true: once this replica has applied every slot up to {@code index}, its state
 *                   machine may answer the read and the answer is linearizable; false: refused
 *                   (no leader known, or the leader changed), try again — possibly at {@code leaderHint}
 * @param index      the slot to wait for (meaningful when confirmed)
 * @param leaderHint the node believed to lead, or 0
 */
public record ReadIndex(long readId, boolean confirmed, long index, int leaderHint) {

    static ReadIndex confirmed(long readId, long index) {
        return new ReadIndex(readId, true, index, 0);
    }

    static ReadIndex refused(long readId, int leaderHint) {
        return new ReadIndex(readId, false, 0, leaderHint);
    }
}

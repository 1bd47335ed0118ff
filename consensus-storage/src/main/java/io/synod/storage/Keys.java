package io.synod.storage;

import java.nio.ByteBuffer;

/**
 * The key layout of the one RocksDB column family that holds every group:
 * {@code [kind 1 byte][groupId 8 bytes big-endian][slot or snapshot id 8 bytes][chunk index 8 bytes]}.
 * Group ids and slots are non-negative, so RocksDB's bytewise order is numeric order: a group's
 * records of one kind are one contiguous range, and its slots are in slot order. Stateless.
 */
final class Keys {
    /** Storage metadata (cluster id, format version) and the fault probe's key. */
    static final byte META = 0x00;
    /** The acceptor's latest promise, one per group. */
    static final byte PROMISE = 0x01;
    /** The acceptor's vote per slot; a later vote for the slot overwrites the earlier one. */
    static final byte VOTE = 0x02;
    /** A value learned chosen, per slot. */
    static final byte CHOSEN = 0x03;
    /** The truncation floor: votes and chosen values below it were deleted after a snapshot. */
    static final byte FLOOR = 0x04;
    /** The committed snapshot's description, pointing at its chunks by snapshot id. */
    static final byte SNAPSHOT_META = 0x05;
    /** Snapshot data chunks, keyed by group, snapshot id and chunk index. */
    static final byte SNAPSHOT_CHUNK = 0x06;

    private static final byte[] METADATA = {META, 's', 't', 'o', 'r', 'a', 'g', 'e'};
    private static final byte[] PROBE = {META, 'p', 'r', 'o', 'b', 'e'};

    private Keys() {
    }

    static byte[] metadata() {
        return METADATA.clone();
    }

    static byte[] probe() {
        return PROBE.clone();
    }

    /** {@code [kind][group]}: the key of a per-group record, and the prefix of a group's per-slot records. */
    static byte[] group(byte kind, long groupId) {
        return ByteBuffer.allocate(9).put(kind).putLong(groupId).array();
    }

    /** {@code [kind][group][slot]}. */
    static byte[] slot(byte kind, long groupId, long slot) {
        return ByteBuffer.allocate(17).put(kind).putLong(groupId).putLong(slot).array();
    }

    /** {@code [SNAPSHOT_CHUNK][group][snapshotId][index]}. */
    static byte[] chunk(long groupId, long snapshotId, long index) {
        return ByteBuffer.allocate(25).put(SNAPSHOT_CHUNK).putLong(groupId).putLong(snapshotId).putLong(index).array();
    }

    /** The first key after every key of {@code kind} for {@code groupId}. */
    static byte[] afterGroup(byte kind, long groupId) {
        return groupId == Long.MAX_VALUE ? new byte[] {(byte) (kind + 1)} : group(kind, groupId + 1);
    }

    /** The first key after every chunk of one snapshot. */
    static byte[] afterSnapshot(long groupId, long snapshotId) {
        return chunk(groupId, snapshotId + 1, 0);
    }

    static byte[] kindStart(byte kind) {
        return new byte[] {kind};
    }

    static byte[] kindEnd(byte kind) {
        return new byte[] {(byte) (kind + 1)};
    }

    static long groupOf(byte[] key) {
        return ByteBuffer.wrap(key, 1, 8).getLong();
    }

    /** The slot of a per-slot key, or the snapshot id of a chunk key. */
    static long slotOf(byte[] key) {
        return ByteBuffer.wrap(key, 9, 8).getLong();
    }

    static boolean isGroupKey(byte[] key) {
        return key.length == 9;
    }

    static boolean isSlotKey(byte[] key) {
        return key.length == 17;
    }

    static boolean isChunkKey(byte[] key) {
        return key.length == 25 && key[0] == SNAPSHOT_CHUNK;
    }
}

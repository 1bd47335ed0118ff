/**
 * Durable storage for Synod on RocksDB: the acceptor journal, the chosen log and snapshots,
 * implementing core's storage SPI with group commit. The protocol's durable records are defined
 * in {@code io.synod.core.protocol.JournalRecord}.
 */
package io.synod.storage;

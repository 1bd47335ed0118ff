package io.synod.core.codec;

import io.synod.core.protocol.JournalRecord;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The hand-written journal encoder against the generated protobuf code: byte for byte the same
 * frame for every record, so stored data does not depend on which path wrote it.
 */
class JournalCodecProperties {

    @Property(tries = 2000)
    void writesExactlyTheFrameOfTheGeneratedCode(@ForAll("records") JournalRecord record) {
        assertArrayEquals(JournalCodec.encodeGenerated(record), JournalCodec.encode(record));
    }

    @Provide
    Arbitrary<JournalRecord> records() {
        return new CodecProperties().records();
    }
}

package io.synod.core.codec;

import com.google.protobuf.CodedOutputStream;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Value;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The codecs on the hot path, each beside the generated protobuf code it replaced: encoding and
 * decoding an Accept that carries a batch of commands, and encoding a vote's journal frame.
 * ns per operation (one message or one record).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
    @Param({"1", "16"})
    int commands;

    @Param({"128"})
    int commandBytes;

    private Message accept;
    private byte[] encoded;
    private byte[] scratch;
    private JournalRecord vote;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        List<Command> batch = new ArrayList<>();
        for (int i = 0; i < commands; i++) {
            byte[] payload = new byte[commandBytes];
            random.nextBytes(payload);
            batch.add(new Command(1_000_000L + i, payload));
        }
        Value value = new Value.Batch(batch);
        accept = new Message.Accept(7, 1, 2, new Ballot(12, 1), 123_456, value, 123_400);
        encoded = MessageCodec.toBytes(accept);
        scratch = new byte[WireCodec.size(accept)];
        vote = new JournalRecord.AcceptedValue(7, 123_456, new Ballot(12, 1), value);
    }

    @Benchmark
    public byte[] acceptEncodeWire() throws IOException {
        CodedOutputStream out = CodedOutputStream.newInstance(scratch);
        WireCodec.write(accept, out);
        return scratch;
    }

    @Benchmark
    public byte[] acceptEncodeGenerated() {
        return MessageCodec.toBytes(accept);
    }

    @Benchmark
    public Message acceptDecodeWire() throws CodecException {
        return WireCodec.read(ByteBuffer.wrap(encoded));
    }

    @Benchmark
    public Message acceptDecodeGenerated() throws CodecException {
        return MessageCodec.fromBytes(encoded);
    }

    @Benchmark
    public byte[] voteFrameWire() {
        return JournalCodec.encode(vote);
    }

    @Benchmark
    public byte[] voteFrameGenerated() {
        return JournalCodec.encodeGenerated(vote);
    }
}

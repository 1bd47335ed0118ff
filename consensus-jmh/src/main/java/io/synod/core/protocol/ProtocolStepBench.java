package io.synod.core.protocol;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The protocol's own CPU per batch, without I/O or threads: a 3-replica group driven by hand (the
 * protocol tests' cluster, with an in-memory network and instant disks) takes a batch of commands
 * on the leader, sends the Accepts, persists the votes, collects the Accepteds, chooses, and
 * delivers the chosen batch on every replica. ns per batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class ProtocolStepBench {
    @Param({"1", "16"})
    int commands;

    private TestCluster cluster;
    private long nextId;

    /** A fresh group each iteration: the hand-driven cluster keeps every message and entry it saw. */
    @Setup(Level.Iteration)
    public void electLeader() {
        cluster = TestCluster.withFirstCandidate(3);
        cluster.run(30);
        if (cluster.leader() == null || cluster.leader() != 1) {
            throw new IllegalStateException("node 1 did not become leader: " + cluster.leader());
        }
    }

    @Benchmark
    public int proposeBatchToChosenEverywhere() {
        List<Command> batch = new ArrayList<>(commands);
        for (int i = 0; i < commands; i++) {
            batch.add(new Command(++nextId, new byte[128]));
        }
        cluster.handle(1, cluster.replica(1).proposeAll(batch));
        cluster.deliverAll();
        return batch.size();
    }
}

package io.synod.examples;

import io.synod.testkit.sim.SimResult;
import io.synod.testkit.sim.Simulation;
import io.synod.examples.demo.Demo;
import io.synod.examples.kv.KvCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code synod} command line: {@code java -jar consensus-examples/target/synod.jar <command>}.
 * Example applications built only on Synod's public API, the README's demo, and the simulator.
 */
@Command(name = "synod", mixinStandardHelpOptions = true, version = "synod 0.1.0-SNAPSHOT",
        description = "Synod example applications: replicated services built on Multi-Paxos.",
        subcommands = {Demo.class, KvCommand.class, io.synod.examples.lock.LockCommand.class, io.synod.examples.queue.QueueCommand.class, io.synod.examples.election.ElectionCommand.class, Synod.Simulate.class,
                io.synod.examples.bench.BenchCommand.class, io.synod.examples.bench.BenchNode.class,
                io.synod.examples.admin.AdminCommand.class})
public final class Synod implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0 ok, 1 refused or failed, 2 usage error). */
    public static int run(String... args) {
        return new CommandLine(new Synod()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "simulate", description = "run the deterministic simulator: clusters under faults, every run checked")
    static final class Simulate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS", defaultValue = "20", description = "seeds to run (default: ${DEFAULT-VALUE})")
        int runs;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (runs < 1) {
                spec.commandLine().getErr().println("synod simulate: RUNS must be at least 1, got " + runs);
                return 2;
            }
            out.println("Multi-Paxos in the deterministic simulator: each run is one seed, a 3- or 5-replica group under");
            out.println("message loss, duplication, reordering, partitions, crashes, pauses, slow disks and clock skew,");
            out.println("checked for one value per slot, one order everywhere, linearizable reads, and liveness after healing.");
            long acknowledged = 0;
            long faults = 0;
            int failed = 0;
            for (long seed = 1; seed <= runs; seed++) {
                SimResult result = Simulation.run(seed);
                acknowledged += result.operationsAcknowledged();
                faults += result.faultsInjected();
                out.println((result.passed() ? "  ok    " : "  FAIL  ") + result);
                if (!result.passed()) {
                    failed++;
                    out.println("        replay: " + result.replayCommand(null));
                }
                out.flush();
            }
            out.printf("%d of %d runs safe and live; %d client operations acknowledged, %d faults injected.%n",
                    runs - failed, runs, acknowledged, faults);
            return failed == 0 ? 0 : 1;
        }
    }
}

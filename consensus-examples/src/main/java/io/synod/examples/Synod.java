package io.synod.examples;

import io.synod.core.sim.SimResult;
import io.synod.core.sim.Simulation;

import java.io.PrintStream;

/**
 * The {@code synod} command line: {@code java -jar consensus-examples/target/synod.jar <command>}.
 *
 * <p>Today it has one command, {@code demo}, which runs the deterministic simulator: replicated
 * clusters of 3 and 5 nodes under message loss, partitions, crashes, pauses and slow disks, each
 * run checked for safety and liveness. The networked demo (real processes, RocksDB, Netty)
 * replaces it when the runtime, storage and transport exist.
 */
public final class Synod {
    private Synod() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "demo" -> System.exit(demo(args, System.out));
            case "help", "--help", "-h" -> usage(System.out);
            default -> {
                System.err.println("synod: unknown command '" + command + "'");
                usage(System.err);
                System.exit(2);
            }
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: synod <command>");
        out.println();
        out.println("commands:");
        out.println("  demo [runs]   simulate replicated clusters under faults and check every run (default 20 runs)");
    }

    static int demo(String[] args, PrintStream out) {
        int runs = 20;
        if (args.length > 1) {
            try {
                runs = Integer.parseInt(args[1]);
            } catch (NumberFormatException e) {
                System.err.println("synod demo: runs must be a positive whole number, got '" + args[1] + "'");
                return 2;
            }
            if (runs < 1) {
                System.err.println("synod demo: runs must be at least 1, got " + runs);
                return 2;
            }
        }
        out.println("Synod demo: Multi-Paxos in the deterministic simulator.");
        out.println("Each run is one seed: a 3- or 5-replica group, clients writing and reading, and a random mix of");
        out.println("message loss, duplication, reordering, partitions, crashes with restart, pauses and slow disks.");
        out.println("Every run is checked: one value per slot, only proposed values, one order on every replica,");
        out.println("every acknowledged result in that order, and all operations completing once faults heal.");
        out.println();
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
        }
        out.println();
        out.printf("%d of %d runs safe and live; %d client operations acknowledged, %d faults injected.%n",
                runs - failed, runs, acknowledged, faults);
        return failed == 0 ? 0 : 1;
    }
}

package io.synod.testkit.sim;

import java.util.function.Supplier;

/**
 * What a simulation replicates and how it is used and checked: the state machine (a fresh
 * instance per replica incarnation and per reference), the clients' workload, how reads are
 * placed in the agreed sequence, and whether the machine takes snapshots.
 */
record SimModel(String name, Supplier<? extends SimMachine> machines, SimWorkload workload,
                Supplier<ReadChecker.Placement> placements, boolean snapshots) {

    /** The simulator's own model: lists under three keys, with reads placed without replay. */
    static final SimModel LIST_APPEND = new SimModel("list-append", ListAppendMachine::new, new ListAppendWorkload(),
            ListAppendPlacement::new, true);

    SimMachine newMachine() {
        return machines.get();
    }
}

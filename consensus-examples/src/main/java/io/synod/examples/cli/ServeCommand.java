package io.synod.examples.cli;

import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** The {@code serve} subcommand of an example: runs one node with the example's services until stopped. */
public abstract class ServeCommand implements Callable<Integer> {
    @Mixin
    ServerFlags flags;

    /** The services this node hosts (created anew per node). */
    protected abstract List<ExampleServer.Service> services();

    /** FOR TESTS ONLY: a hook that lets tests change the node's clock rate; null (the default) for none. */
    protected ClockRateHook clockRateHook() {
        return null;
    }

    @Override
    public Integer call() throws Exception {
        try (ExampleServer server = new ExampleServer(flags.resolve(), services(), ExampleServer.defaultOptions(),
                clockRateHook())) {
            server.serveUntilStopped();
        }
        return 0;
    }
}

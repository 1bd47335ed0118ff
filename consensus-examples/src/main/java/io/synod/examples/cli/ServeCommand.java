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

    @Override
    public Integer call() throws Exception {
        try (ExampleServer server = new ExampleServer(flags.resolve(), services(), ExampleServer.defaultOptions())) {
            server.serveUntilStopped();
        }
        return 0;
    }
}

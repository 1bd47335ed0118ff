package io.synod.examples.election;

import io.synod.examples.cli.ClientFlags;
import io.synod.examples.cli.ExampleServer;
import io.synod.examples.cli.ServeCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code synod election}: run a worker only on the elected node, fenced by epochs. */
@Command(name = "election", description = "a host service running its worker only while it leads, with fenced failover",
        subcommands = {ElectionCommand.Serve.class, ElectionCommand.Status.class})
public final class ElectionCommand {

    @Command(name = "serve", description = "run one host of the service")
    static final class Serve extends ServeCommand {
        @Option(names = "--interval-ms", defaultValue = "100", description = "the worker acts this often (default: ${DEFAULT-VALUE})")
        long interval;

        @Override
        protected List<ExampleServer.Service> services() {
            return List.of(new ElectionService(interval));
        }
    }

    @Command(name = "status", description = "the current epoch, its worker, and every term so far")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientFlags client;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("GET", "/election", null));
        }
    }
}

package io.synod.examples.kv;

import io.synod.examples.cli.ClientFlags;
import io.synod.examples.cli.ClockRateHook;
import io.synod.examples.cli.ExampleServer;
import io.synod.examples.cli.ServeCommand;
import io.synod.examples.http.ExampleClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code synod kv}: the replicated key-value / configuration store, server and client. */
@Command(name = "kv", description = "a replicated key-value / configuration store: server and client",
        subcommands = {KvCommand.Serve.class, KvCommand.Get.class, KvCommand.Put.class, KvCommand.Delete.class})
public final class KvCommand {

    @Command(name = "serve", description = "run one node of the key-value store")
    static final class Serve extends ServeCommand {
        @Option(names = "--unsafe-stale-reads", hidden = true,
                description = "FOR TESTS ONLY: answer every read from this node's state, without a lease or quorum")
        boolean unsafeStaleReads;

        @Option(names = "--test-clock-rate-hook", hidden = true,
                description = "FOR TESTS ONLY: run the node on a clock whose rate POST /test/clock-rate?rate=R changes"
                        + " (fault tests skew clocks with it)")
        boolean testClockRateHook;

        @Override
        protected List<ExampleServer.Service> services() {
            return List.of(new KvService(unsafeStaleReads));
        }

        @Override
        protected ClockRateHook clockRateHook() {
            return testClockRateHook ? new ClockRateHook() : null;
        }
    }

    @Command(name = "get", description = "read a key (linearizable unless --consistency says otherwise)")
    static final class Get implements Callable<Integer> {
        @Mixin
        ClientFlags client;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Option(names = "--consistency", paramLabel = "LEVEL", description = "linearizable (default), lease or stale")
        String consistency;

        @Override
        public Integer call() throws Exception {
            String query = consistency == null ? "" : "?consistency=" + ExampleClient.encode(consistency);
            return client.print(client.connect().send("GET", "/kv/" + ExampleClient.encode(key) + query, null));
        }
    }

    @Command(name = "put", description = "write a key; with --expect or --expect-absent, compare-and-set")
    static final class Put implements Callable<Integer> {
        @Mixin
        ClientFlags client;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Option(names = "--expect", paramLabel = "OLD", description = "only if the key now holds OLD")
        String expect;

        @Option(names = "--expect-absent", description = "only if the key does not exist")
        boolean expectAbsent;

        @Override
        public Integer call() throws Exception {
            String query = expect != null ? "?expect=" + ExampleClient.encode(expect) : expectAbsent ? "?expectAbsent=true" : "";
            return client.print(client.connect().send("PUT", "/kv/" + ExampleClient.encode(key) + query, value));
        }
    }

    @Command(name = "delete", description = "delete a key")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientFlags client;

        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("DELETE", "/kv/" + ExampleClient.encode(key), null));
        }
    }
}

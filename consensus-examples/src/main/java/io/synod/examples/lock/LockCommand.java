package io.synod.examples.lock;

import io.synod.examples.cli.ClientFlags;
import io.synod.examples.cli.ExampleServer;
import io.synod.examples.cli.ServeCommand;
import io.synod.examples.http.ExampleClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code synod lock}: a lock service with leases and fencing tokens, server and client. */
@Command(name = "lock", description = "a lock service with leases and fencing tokens: server and client",
        subcommands = {LockCommand.Serve.class, LockCommand.Acquire.class, LockCommand.Release.class,
                LockCommand.Write.class, LockCommand.Status.class})
public final class LockCommand {

    @Command(name = "serve", description = "run one node of the lock service")
    static final class Serve extends ServeCommand {
        @Override
        protected List<ExampleServer.Service> services() {
            return List.of(new LockService());
        }
    }

    @Command(name = "acquire", description = "take (or renew) a lock; prints its fencing token")
    static final class Acquire implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--owner", required = true, description = "who holds it")
        String owner;
        @Option(names = "--ttl-ms", defaultValue = "10000", description = "lease length (default: ${DEFAULT-VALUE})")
        long ttl;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("POST", "/lock/" + ExampleClient.encode(name) + "/acquire?owner="
                    + ExampleClient.encode(owner) + "&ttlMs=" + ttl, null));
        }
    }

    @Command(name = "release", description = "release a lock you hold")
    static final class Release implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--owner", required = true)
        String owner;
        @Option(names = "--token", required = true)
        long token;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("POST", "/lock/" + ExampleClient.encode(name) + "/release?owner="
                    + ExampleClient.encode(owner) + "&token=" + token, null));
        }
    }

    @Command(name = "write", description = "write the lock's fenced resource with a token; stale tokens are refused")
    static final class Write implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "DATA")
        String data;
        @Option(names = "--token", required = true)
        long token;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("PUT", "/lock/" + ExampleClient.encode(name) + "/resource?token=" + token, data));
        }
    }

    @Command(name = "status", description = "who holds a lock, and the resource's content")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("GET", "/lock/" + ExampleClient.encode(name), null));
        }
    }
}

package io.synod.examples.queue;

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

/** {@code synod queue}: a replicated FIFO queue with at-least-once delivery, server and client. */
@Command(name = "queue", description = "a replicated FIFO queue with at-least-once delivery: server and client",
        subcommands = {QueueCommand.Serve.class, QueueCommand.Push.class, QueueCommand.Pop.class, QueueCommand.Ack.class,
                QueueCommand.Stats.class})
public final class QueueCommand {

    @Command(name = "serve", description = "run one node of the queue service")
    static final class Serve extends ServeCommand {
        @Override
        protected List<ExampleServer.Service> services() {
            return List.of(new QueueService());
        }
    }

    @Command(name = "push", description = "append a message")
    static final class Push implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "1", paramLabel = "MESSAGE")
        String message;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("POST", "/queue/" + ExampleClient.encode(queue), message));
        }
    }

    @Command(name = "pop", description = "receive the oldest visible message; acknowledge it within the visibility timeout")
    static final class Pop implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Option(names = "--consumer", required = true)
        String consumer;
        @Option(names = "--visibility-ms", defaultValue = "30000", description = "redelivered after this long without an ack (default: ${DEFAULT-VALUE})")
        long visibility;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("POST", "/queue/" + ExampleClient.encode(queue) + "/pop?consumer="
                    + ExampleClient.encode(consumer) + "&visibilityMs=" + visibility, null));
        }
    }

    @Command(name = "ack", description = "acknowledge (delete) a received message")
    static final class Ack implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;
        @Parameters(index = "1", paramLabel = "ID")
        long id;
        @Option(names = "--consumer", required = true)
        String consumer;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("POST", "/queue/" + ExampleClient.encode(queue) + "/ack/" + id
                    + "?consumer=" + ExampleClient.encode(consumer), null));
        }
    }

    @Command(name = "stats", description = "messages in the queue, and how many are being processed")
    static final class Stats implements Callable<Integer> {
        @Mixin
        ClientFlags client;
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Override
        public Integer call() throws Exception {
            return client.print(client.connect().send("GET", "/queue/" + ExampleClient.encode(queue), null));
        }
    }
}

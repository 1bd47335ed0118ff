package io.synod.examples.cli;

import io.synod.examples.http.ExampleClient;
import io.synod.examples.http.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Which servers a client command talks to, and how it reports the answer. */
public final class ClientFlags {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--servers", paramLabel = "HOST:PORT,...", defaultValue = "127.0.0.1:8101,127.0.0.1:8102,127.0.0.1:8103",
            description = "the nodes' HTTP addresses (default: ${DEFAULT-VALUE})")
    String servers;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "10000", description = "give up after this long (default: ${DEFAULT-VALUE})")
    long timeoutMillis;

    public ExampleClient connect() {
        return new ExampleClient(addresses(), timeout());
    }

    /** The servers' HTTP addresses, validated. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String server : servers.split(",")) {
            try {
                addresses.add(ServerFlags.parseAddress(server.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--servers: " + e.getMessage());
            }
        }
        return addresses;
    }

    /** {@code --timeout-ms}, validated. */
    public Duration timeout() {
        if (timeoutMillis <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be positive, got " + timeoutMillis);
        }
        return Duration.ofMillis(timeoutMillis);
    }

    /** Prints the reply as JSON; exit code 0 for 2xx, 1 for a refusal (404, 409...), 3 for a server error. */
    public int print(ExampleClient.Reply reply) {
        Object[] fields = new Object[reply.body().size() * 2];
        int i = 0;
        for (var e : reply.body().entrySet()) {
            fields[i++] = e.getKey();
            fields[i++] = e.getValue();
        }
        String json = Json.object(fields);
        if (reply.status() / 100 == 2) {
            spec.commandLine().getOut().println(json);
            spec.commandLine().getOut().flush();
            return 0;
        }
        spec.commandLine().getErr().println(reply.status() + " " + json);
        spec.commandLine().getErr().flush();
        return reply.status() / 100 == 4 ? 1 : 3;
    }
}

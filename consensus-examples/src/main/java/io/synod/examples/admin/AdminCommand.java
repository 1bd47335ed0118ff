package io.synod.examples.admin;

import io.synod.examples.cli.ClientFlags;
import io.synod.examples.cli.ServerFlags;
import io.synod.examples.http.ExampleClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code synod admin}: the membership and leadership of a running example group, over the servers'
 * admin routes ({@link AdminRoutes}). Changes go to the leader, found through any of {@code --servers}.
 * Exit codes: 0 done, 1 refused (the message says why), 2 usage error, 3 no answer or a server error.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "membership and leadership of a running example group: members, status, add, remove, transfer",
        subcommands = {AdminCommand.Members.class, AdminCommand.Status.class, AdminCommand.Add.class,
                AdminCommand.Remove.class, AdminCommand.Transfer.class})
public final class AdminCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares: the servers, a client, and how a failure to get an answer is reported. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClientFlags flags;

        AdminClient client() {
            return new AdminClient(flags.addresses(), flags.timeout());
        }

        abstract int run(AdminClient client) throws IOException, InterruptedException;

        @Override
        public Integer call() throws InterruptedException {
            AdminClient client = client();
            try {
                return run(client);
            } catch (IOException e) {
                err().println("synod admin " + spec.name() + ": " + e.getMessage());
                err().flush();
                return 3;
            }
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        static int nodeId(CommandSpec spec, String text) {
            try {
                int id = Integer.parseInt(text);
                if (id > 0) {
                    return id;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new ParameterException(spec.commandLine(), "a node id is a positive whole number, got '" + text + "'");
        }
    }

    @Command(name = "members", description = "the group's voters, learners, their addresses and the leader (any node answers)")
    static final class Members extends Base {
        @Override
        int run(AdminClient client) throws IOException, InterruptedException {
            return flags.print(client.anyNode("/admin/members"));
        }
    }

    @Command(name = "status", description = "members, plus the leader's log position and how far behind each member is")
    static final class Status extends Base {
        @Override
        int run(AdminClient client) throws IOException, InterruptedException {
            return flags.print(client.leader("GET", "/admin/status"));
        }
    }

    @Command(name = "add", description = "add a node started with --join: as a learner, then, once it has caught up, as a voter")
    static final class Add extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "the new node's id")
        String id;

        @Parameters(index = "1", paramLabel = "HOST:PORT", description = "the new node's consensus address (its --members entry)")
        String address;

        @Option(names = "--catch-up-timeout-ms", paramLabel = "MS", defaultValue = "120000",
                description = "how long to wait for the learner to catch up before giving up (default: ${DEFAULT-VALUE})")
        long catchUpTimeoutMillis;

        @Override
        int run(AdminClient client) throws IOException, InterruptedException {
            int node = nodeId(spec, id);
            try {
                ServerFlags.parseAddress(address);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "HOST:PORT: " + e.getMessage());
            }
            ExampleClient.Reply added = client.leader("POST", "/admin/add/" + node + "?address=" + ExampleClient.encode(address));
            if (added.status() == 200) {
                err().println("node " + node + " added as a learner (epoch " + added.get("epoch") + ", in force from slot "
                        + added.get("effectiveSlot") + "); waiting for it to catch up");
            } else if (added.status() == 409 && String.valueOf(added.get("error")).contains("already a learner")) {
                err().println("node " + node + " is already a learner; waiting for it to catch up");
            } else {
                return flags.print(added);
            }
            err().flush();
            return promoteWhenCaughtUp(client, node);
        }

        private int promoteWhenCaughtUp(AdminClient client, int node) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + catchUpTimeoutMillis * 1_000_000L;
            long nextNote = 0;
            while (true) {
                ExampleClient.Reply promoted = client.leader("POST", "/admin/promote/" + node);
                Object reason = promoted.get("reason");
                boolean notYet = promoted.status() == 409 && ("NOT_CAUGHT_UP".equals(reason) || "CONCURRENT_CHANGE".equals(reason));
                if (!notYet) {
                    return flags.print(promoted);
                }
                if (System.nanoTime() > deadline) {
                    err().println("synod admin add: node " + node + " did not catch up within " + catchUpTimeoutMillis
                            + " ms (" + promoted.get("error") + "); it stays a learner: run `synod admin add` again to retry"
                            + " the promotion, or `synod admin remove " + node + "`");
                    err().flush();
                    return 1;
                }
                if (System.nanoTime() > nextNote) {
                    err().println("  not yet: " + promoted.get("error"));
                    err().flush();
                    nextNote = System.nanoTime() + 2_000_000_000L;
                }
                Thread.sleep(250);
            }
        }
    }

    @Command(name = "remove", description = "remove a voter or learner (e.g. a dead node that was replaced)")
    static final class Remove extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "the node to remove")
        String id;

        @Override
        int run(AdminClient client) throws IOException, InterruptedException {
            return flags.print(client.leader("POST", "/admin/remove/" + nodeId(spec, id)));
        }
    }

    @Command(name = "transfer", description = "hand the leadership to another voter (e.g. before maintenance of the leader)")
    static final class Transfer extends Base {
        @Parameters(index = "0", paramLabel = "ID", description = "the voter to lead")
        String id;

        @Override
        int run(AdminClient client) throws IOException, InterruptedException {
            return flags.print(client.leader("POST", "/admin/transfer/" + nodeId(spec, id)));
        }
    }
}

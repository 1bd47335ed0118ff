package io.synod.examples.cli;

import io.synod.core.api.ReplicatedGroup;
import io.synod.core.api.StateMachine;
import io.synod.examples.http.HttpApi.Response;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** What every example service has: a name, a group, a state machine, and helpers to answer requests. */
public abstract class BaseService implements ExampleServer.Service {
    private final String name;
    private final long groupId;
    private final StateMachine stateMachine;

    protected BaseService(String name, long groupId, StateMachine stateMachine) {
        this.name = name;
        this.groupId = groupId;
        this.stateMachine = stateMachine;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long groupId() {
        return groupId;
    }

    @Override
    public final StateMachine stateMachine() {
        return stateMachine;
    }

    /** Proposes {@code command}; the answer is built from the decoded result, or from the failure. */
    protected static <R> CompletableFuture<Response> propose(ReplicatedGroup group, byte[] command,
                                                             Function<byte[], R> decode, Function<R, Response> answer) {
        return group.propose(command).handle((bytes, error) -> error != null ? Errors.toResponse(error)
                : answer.apply(decode.apply(bytes)));
    }

    protected static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }
}

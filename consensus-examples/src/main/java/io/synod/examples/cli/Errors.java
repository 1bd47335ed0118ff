package io.synod.examples.cli;

import io.synod.core.api.CommandTooLargeException;
import io.synod.core.api.NodeClosedException;
import io.synod.core.api.NotLeaderException;
import io.synod.core.api.OverloadedException;
import io.synod.core.api.ProposalTimeoutException;
import io.synod.core.api.ReadTimeoutException;
import io.synod.core.api.UnavailableException;
import io.synod.examples.http.HttpApi.Response;

import java.util.concurrent.CompletionException;

/** How the example servers report Synod's failures over HTTP. */
public final class Errors {
    private Errors() {
    }

    public static Response toResponse(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof NotLeaderException || e instanceof UnavailableException || e instanceof NodeClosedException
                || e instanceof ReadTimeoutException) {
            return Response.error(503, e.getMessage());
        }
        if (e instanceof OverloadedException) {
            return Response.error(429, e.getMessage());
        }
        if (e instanceof CommandTooLargeException) {
            return Response.error(413, e.getMessage());
        }
        if (e instanceof ProposalTimeoutException) {
            return Response.error(504, e.getMessage());
        }
        return Response.error(500, e.toString());
    }
}

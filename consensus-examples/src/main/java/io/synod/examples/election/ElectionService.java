package io.synod.examples.election;

import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReplicatedGroup;
import io.synod.examples.cli.Errors;
import io.synod.examples.cli.BaseService;
import io.synod.examples.http.HttpApi.Request;
import io.synod.examples.http.HttpApi.Response;
import io.synod.examples.http.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A host service that runs a worker only while its node leads the group. On becoming leader the
 * worker claims an epoch through the log, then acts every {@code intervalMillis} with that epoch
 * as its fencing token; an action refused because a newer epoch exists, or losing leadership,
 * stops it. {@code GET /election} reports the current epoch, its node, and every term so far.
 */
public final class ElectionService extends BaseService {
    public static final long GROUP = 3;
    private static final Logger log = LoggerFactory.getLogger(ElectionService.class);

    private final long intervalMillis;
    private volatile boolean running = true;
    private Thread worker;

    public ElectionService(long intervalMillis) {
        super("election", GROUP, new ElectionMachine());
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void started(ReplicatedGroup group, int nodeId) {
        worker = new Thread(() -> work(group, nodeId), "election-worker");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public void stopping() {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
    }

    private void work(ReplicatedGroup group, int self) {
        long epoch = 0;
        long acted = 0;
        while (running) {
            try {
                if (!group.isLeader()) {
                    if (epoch != 0) {
                        log.info("node {}: no longer the leader; worker of epoch {} stopped after {} actions", self, epoch, acted);
                        epoch = 0;
                    }
                } else if (epoch == 0) {
                    ElectionMachine.Outcome claim = ElectionMachine.Outcome.decode(
                            group.propose(ElectionMachine.claim(self)).get(10, TimeUnit.SECONDS));
                    epoch = claim.epoch();
                    acted = 0;
                    log.info("node {}: leader; claimed epoch {}, worker running", self, epoch);
                } else {
                    ElectionMachine.Outcome act = ElectionMachine.Outcome.decode(
                            group.propose(ElectionMachine.act(self, epoch)).get(10, TimeUnit.SECONDS));
                    if (act.ok()) {
                        acted++;
                    } else {
                        log.info("node {}: action refused ({}); worker stopped", self, act.reason());
                        epoch = 0;
                    }
                }
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // No outcome (leader change, timeout): whether it counted or not, the epoch decides.
                log.info("node {}: {}; the worker will check its leadership again", self, e.toString());
                epoch = 0;
            }
        }
    }

    @Override
    public CompletableFuture<Response> handle(Request request, ReplicatedGroup group) {
        if (!request.method().equals("GET") || request.path().size() != 1) {
            return CompletableFuture.completedFuture(Response.error(400, "only GET /election is served"));
        }
        return group.read(ElectionMachine.status(), ReadConsistency.LINEARIZABLE).handle((bytes, error) -> {
            if (error != null) {
                return Errors.toResponse(error);
            }
            ElectionMachine.Outcome o = ElectionMachine.Outcome.decode(bytes);
            return Response.ok(Json.object("epoch", o.epoch(), "worker", o.node(), "actions", o.actions(), "terms", o.terms()));
        });
    }
}

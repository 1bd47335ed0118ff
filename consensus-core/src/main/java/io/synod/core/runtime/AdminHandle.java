package io.synod.core.runtime;

import io.synod.core.api.GroupAdmin;
import io.synod.core.api.GroupStatus;
import io.synod.core.api.MembershipChange;
import io.synod.core.api.NodeClosedException;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The public {@link GroupAdmin} of one group: argument checks, then the group's {@link AdminRequests}. */
final class AdminHandle implements GroupAdmin {
    private final int nodeId;
    private final AdminRequests requests;
    private final BooleanSupplier closed;

    AdminHandle(int nodeId, AdminRequests requests, BooleanSupplier closed) {
        this.nodeId = nodeId;
        this.requests = requests;
        this.closed = closed;
    }

    @Override
    public CompletableFuture<GroupStatus> status() {
        return unlessClosed(requests::status);
    }

    @Override
    public CompletableFuture<MembershipChange> addLearner(int learnerId, InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the address of node " + learnerId
                    + " (" + address + ") does not resolve; the other replicas could not reach it"));
        }
        return unlessClosed(() -> requests.change(AdminRequests.Kind.ADD_LEARNER, learnerId, PeerDirectory.format(address)));
    }

    @Override
    public CompletableFuture<MembershipChange> promote(int learnerId) {
        return unlessClosed(() -> requests.change(AdminRequests.Kind.PROMOTE, learnerId, null));
    }

    @Override
    public CompletableFuture<MembershipChange> remove(int memberId) {
        return unlessClosed(() -> requests.change(AdminRequests.Kind.REMOVE, memberId, null));
    }

    @Override
    public CompletableFuture<Void> transferLeadership(int targetId) {
        return unlessClosed(() -> requests.transfer(targetId));
    }

    private <T> CompletableFuture<T> unlessClosed(Supplier<CompletableFuture<T>> request) {
        if (closed.getAsBoolean()) {
            return CompletableFuture.failedFuture(new NodeClosedException("node " + nodeId + " is closed"));
        }
        return request.get();
    }
}

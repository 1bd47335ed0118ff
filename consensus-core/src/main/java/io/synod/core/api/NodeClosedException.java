package io.synod.core.api;

/**
 * The node is closed (or closed while the command was pending). A pending command's outcome is
 * unknown: it may have been chosen and be applied by the other replicas.
 */
public final class NodeClosedException extends SynodException {
    public NodeClosedException(String message) {
        super(message);
    }
}

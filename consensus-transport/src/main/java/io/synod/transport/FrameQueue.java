package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames waiting to go out on one connection, and the one byte budget for them. Senders (any
 * thread) encode a frame and offer it; one task on the connection's event loop writes everything
 * queued and flushes once, so a burst of messages costs one task and one flush rather than one each.
 * Every frame still queued when the connection closes is released.
 *
 * <p>Bounded in bytes, across both buffers: {@link #heldBytes} counts a frame's bytes from the offer
 * that accepts it until Netty has written it to the socket (or failed it), so this queue plus
 * Netty's outbound buffer never hold more than {@code highWaterMarkBytes} of frames. (The bound used
 * to be applied to this queue and, separately, by Netty's write-buffer water mark to its buffer, so a
 * connection could hold twice the high mark.) An offer that would take the count above the high mark
 * is refused, and offers keep being refused until the count falls to {@code lowWaterMarkBytes}.
 *
 * <p>Why a promise per drained batch rather than reading Netty's {@code totalPendingWriteBytes()}:
 * Netty's count adds its own per-entry overhead and TLS's expansion, and while the drain (or TLS)
 * moves bytes from one buffer to the next a sender on another thread would see them in neither, so
 * the bound would be "high plus a frame, roughly". Here the drain writes a batch with void promises
 * except for its last frame, whose promise gives the whole batch's bytes back when it completes;
 * Netty completes writes in order, so by then every frame of the batch is written. That costs one
 * promise per batch, not per message, and no lock.
 */
final class FrameQueue {
    private final Channel channel;
    private final long highWaterMarkBytes;
    private final long lowWaterMarkBytes;
    private final Queue<ByteBuf> frames = PlatformDependent.newMpscQueue();
    /** Frame bytes accepted by {@link #offer} and not yet written to the socket (queued here or in Netty's buffer). */
    private final AtomicLong heldBytes = new AtomicLong();
    /** Set when an offer is refused for lack of room; cleared once {@link #heldBytes} is at or below the low mark. */
    private volatile boolean refusing;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile boolean closed;

    /** The marks come from validated options ({@code 0 < low <= high}). */
    FrameQueue(Channel channel, long highWaterMarkBytes, long lowWaterMarkBytes) {
        this.channel = channel;
        this.highWaterMarkBytes = highWaterMarkBytes;
        this.lowWaterMarkBytes = lowWaterMarkBytes;
        channel.closeFuture().addListener(f -> {
            closed = true;
            releaseAll();
        });
    }

    /** Whether an offer now would be refused for lack of room: then a sender need not encode a frame only to see it refused. */
    boolean full() {
        return refusing || heldBytes.get() >= highWaterMarkBytes;
    }

    /** Takes ownership of {@code frame}; false (frame released) if the connection is closed or there is no room for it. */
    boolean offer(ByteBuf frame) {
        int bytes = frame.readableBytes();
        if (closed || refusing) {
            frame.release();
            return false;
        }
        long held = heldBytes.addAndGet(bytes);
        // A frame larger than the high mark goes out alone: accepted when nothing else is held, or it
        // could never be sent at all (a batch or snapshot chunk the node's own limits allow).
        if (held > highWaterMarkBytes && held != bytes) {
            heldBytes.addAndGet(-bytes);
            startRefusing();
            frame.release();
            return false;
        }
        frames.offer(frame);
        if (closed) {
            releaseAll(); // the connection closed while we queued: nobody else will drain it
            return false;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
        return true;
    }

    private void startRefusing() {
        refusing = true;
        // The last write may have completed between our add and the flag (and so seen no flag to
        // clear): re-read. Either this read sees its release, or its release sees the flag.
        if (heldBytes.get() <= lowWaterMarkBytes) {
            refusing = false;
        }
    }

    /** Netty finished (or failed) writing a batch of {@code bytes}: make room for them. */
    private void written(long bytes) {
        long remaining = heldBytes.addAndGet(-bytes);
        if (refusing && remaining <= lowWaterMarkBytes) {
            refusing = false;
        }
    }

    private void drain() {
        // Every frame but the batch's last goes out with the void promise; the last one's promise
        // releases the batch's bytes (writes complete in order), so it is held back one step.
        ByteBuf last = null;
        long batchBytes = 0;
        while (true) {
            ByteBuf frame;
            while ((frame = frames.poll()) != null) {
                if (last != null) {
                    channel.write(last, channel.voidPromise());
                }
                last = frame;
                batchBytes += frame.readableBytes();
            }
            // Cleared only now, so senders do not schedule (and wake the loop for) another drain
            // while this one runs; a frame offered in between is picked up by the re-check.
            drainScheduled.set(false);
            if (frames.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                break;
            }
        }
        if (last != null) {
            long bytes = batchBytes;
            ChannelPromise batchWritten = channel.newPromise();
            batchWritten.addListener(f -> written(bytes));
            channel.write(last, batchWritten);
            channel.flush();
        }
    }

    private void releaseAll() {
        ByteBuf frame;
        while ((frame = frames.poll()) != null) {
            frame.release();
        }
    }

    /** For tests: frame bytes accepted and not yet written to the socket. */
    long heldBytes() {
        return heldBytes.get();
    }
}

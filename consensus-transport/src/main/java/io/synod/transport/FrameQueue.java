package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames waiting to go out on one connection. Senders (any thread) encode a frame and offer
 * it; one task on the connection's event loop writes everything queued and flushes once, so a
 * burst of messages costs one task and one flush rather than one each. Bounded in bytes: an offer
 * that would exceed {@code maxQueuedBytes} is refused (the caller drops the message). Every frame
 * still queued when the connection closes is released.
 */
final class FrameQueue {
    private final Channel channel;
    private final long maxQueuedBytes;
    private final Queue<ByteBuf> frames = PlatformDependent.newMpscQueue();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile boolean closed;

    FrameQueue(Channel channel, long maxQueuedBytes) {
        this.channel = channel;
        this.maxQueuedBytes = maxQueuedBytes;
        channel.closeFuture().addListener(f -> {
            closed = true;
            releaseAll();
        });
    }

    /** Whether the queue is already at its byte limit: then a sender need not encode a frame only to see it refused. */
    boolean full() {
        return queuedBytes.get() >= maxQueuedBytes;
    }

    /** Takes ownership of {@code frame}; false (frame released) if the connection is closed or the queue full. */
    boolean offer(ByteBuf frame) {
        int bytes = frame.readableBytes();
        if (closed || queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
            if (!closed) {
                queuedBytes.addAndGet(-bytes);
            }
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

    private void drain() {
        int written = 0;
        while (true) {
            ByteBuf frame;
            while ((frame = frames.poll()) != null) {
                queuedBytes.addAndGet(-frame.readableBytes());
                channel.write(frame, channel.voidPromise());
                written++;
            }
            // Cleared only now, so senders do not schedule (and wake the loop for) another drain
            // while this one runs; a frame offered in between is picked up by the re-check.
            drainScheduled.set(false);
            if (frames.isEmpty() || !drainScheduled.compareAndSet(false, true)) {
                break;
            }
        }
        if (written > 0) {
            channel.flush();
        }
    }

    private void releaseAll() {
        ByteBuf frame;
        while ((frame = frames.poll()) != null) {
            frame.release();
        }
    }
}

package io.synod.core.protocol;

/**
 * A leader's offer to serve a read from its own state under its lease ({@link Replica#leaseRead()}).
 * The replica counts ticks, and ticks lag real time when the process stalls, so the driver must
 * also check the lease against a clock that keeps running: it holds while that clock reads less
 * than (its reading at tick {@code sinceTick}) + {@code ticks} tick lengths.
 *
 * @param index     read once every slot up to here is applied
 * @param sinceTick the tick the lease counts from (when the confirming heartbeat was sent)
 * @param ticks     the lease's length in ticks
 */
public record LeaseRead(long index, long sinceTick, int ticks) {
}

package io.synod.core.runtime;

/** Monotonic time for the runtime, injectable for tests. Never the wall clock. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}

package io.synod.core.protocol;

/** A slot whose value is known to be chosen. */
public record ChosenEntry(long slot, Value value) {
}

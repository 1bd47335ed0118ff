package io.synod.core.api;

/**
 * A membership change that was chosen and is valid: {@code membership} decides every slot from its
 * {@link GroupMembership#effectiveSlot() effective slot} on. Immutable.
 *
 * @param chosenSlot the log slot the change was chosen in
 */
public record MembershipChange(long groupId, GroupMembership membership, long chosenSlot) {
}

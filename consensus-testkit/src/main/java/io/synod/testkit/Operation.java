package io.synod.testkit;

/**
 * One client operation on a key-value register, as recorded in a history (see
 * {@code shared/HISTORY.md}: JSON Lines, version 1).
 *
 * @param client   the logical client (one outstanding operation per client)
 * @param kind     put, get or cas
 * @param key      the register
 * @param value    put: the value written; cas: the new value if the compare matched
 * @param expect   cas: the value compared against (null: the key must be absent)
 * @param ok       true: took effect / read; false: certainly no effect (for cas: the compare did
 *                 not match); null: indeterminate
 * @param result   get with ok: the value read (null = absent)
 * @param callNs   when the client invoked it (one monotonic clock for the whole history)
 * @param returnNs when the answer arrived, or null if it never did
 */
public record Operation(int client, Kind kind, String key, String value, String expect, Boolean ok, String result,
                        long callNs, Long returnNs) {

    public enum Kind { PUT, GET, CAS }

    public Operation {
        if (kind == null || key == null) {
            throw new IllegalArgumentException("an operation needs an op and a key");
        }
        if (returnNs != null && returnNs < callNs) {
            throw new IllegalArgumentException("operation of client " + client + " on " + key + " returns at " + returnNs
                    + " before its call at " + callNs);
        }
        if (ok == null && returnNs != null) {
            throw new IllegalArgumentException("an indeterminate operation (ok null) has no return time");
        }
    }

    /** Whether the outcome is unknown: it may or may not have taken effect. */
    public boolean indeterminate() {
        return ok == null;
    }

    /** A short human description, e.g. {@code cas x 1->2 ok (client 3, 30..40 ns)}. */
    public String describe() {
        String what = switch (kind) {
            case PUT -> "put " + key + "=" + value;
            case GET -> "get " + key + (Boolean.TRUE.equals(ok) ? " -> " + (result == null ? "absent" : result) : "");
            case CAS -> "cas " + key + " " + (expect == null ? "absent" : expect) + "->" + value;
        };
        String outcome = ok == null ? "indeterminate" : ok ? "ok" : kind == Kind.CAS ? "compare failed" : "failed";
        return what + " " + outcome + " (client " + client + ", " + callNs + ".." + (returnNs == null ? "never" : returnNs) + " ns)";
    }
}

package io.synod.examples.election;

import io.synod.core.api.StateMachine;
import io.synod.examples.cli.Codec;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state the elected worker acts on, fenced by epochs. A node that becomes leader claims a new
 * epoch (the log index of its claim: larger than every earlier one); every action carries the
 * epoch its worker holds, and is refused unless that is still the latest epoch. So however leaders
 * overlap — an old leader paused past its term and resumed, acting on what it last knew — only
 * the worker of the latest epoch succeeds: two workers never both act.
 */
public final class ElectionMachine implements StateMachine {
    enum Op { CLAIM, ACT, STATUS }

    /** One run of actions by one worker: its epoch, its node, how many actions. */
    record Term(long epoch, int node, long actions) {
    }

    /** Outcome: ok, the current epoch and its node, total actions, and the terms as "epoch/node/actions;...". */
    record Outcome(boolean ok, long epoch, int node, long actions, String terms, String reason) {
        byte[] encode() {
            return Codec.encode(ok, epoch, (long) node, actions, terms, reason);
        }

        static Outcome decode(byte[] bytes) {
            try (DataInputStream in = Codec.reader(bytes)) {
                return new Outcome(in.readBoolean(), in.readLong(), (int) in.readLong(), in.readLong(), Codec.readString(in),
                        Codec.readString(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final List<Term> terms = new ArrayList<>();
    private long epoch;
    private int node;
    private long actions;

    static byte[] claim(int node) {
        return Codec.encode(Op.CLAIM.name(), (long) node, 0L);
    }

    static byte[] act(int node, long epoch) {
        return Codec.encode(Op.ACT.name(), (long) node, epoch);
    }

    static byte[] status() {
        return Codec.encode(Op.STATUS.name(), 0L, 0L);
    }

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        try (DataInputStream in = Codec.reader(command)) {
            Op op = Op.valueOf(Codec.readString(in));
            int from = (int) in.readLong();
            long claimed = in.readLong();
            switch (op) {
                case CLAIM -> {
                    epoch = index;
                    node = from;
                    terms.add(new Term(epoch, node, 0));
                    return outcome(true, null).encode();
                }
                case ACT -> {
                    if (claimed != epoch || from != node) {
                        return outcome(false, "epoch " + claimed + " of node " + from + " is over: node " + node
                                + " holds epoch " + epoch).encode();
                    }
                    actions++;
                    Term current = terms.remove(terms.size() - 1);
                    terms.add(new Term(current.epoch(), current.node(), current.actions() + 1));
                    return outcome(true, null).encode();
                }
                default -> throw new IllegalArgumentException("STATUS is a query");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed election command: " + e, e);
        }
    }

    private Outcome outcome(boolean ok, String reason) {
        StringBuilder history = new StringBuilder();
        for (Term t : terms) {
            history.append(t.epoch()).append('/').append(t.node()).append('/').append(t.actions()).append(';');
        }
        return new Outcome(ok, epoch, node, actions, history.toString(), reason);
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        return outcome(true, null).encode();
    }

    @Override
    public synchronized Snapshot snapshot() {
        List<Term> copy = new ArrayList<>(terms);
        long e = epoch;
        int n = node;
        long a = actions;
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeLong(e);
            data.writeInt(n);
            data.writeLong(a);
            data.writeInt(copy.size());
            for (Term t : copy) {
                data.writeLong(t.epoch());
                data.writeInt(t.node());
                data.writeLong(t.actions());
            }
            data.flush();
        };
    }

    @Override
    public void restore(InputStream snapshot) throws IOException {
        DataInputStream in = new DataInputStream(snapshot);
        long e = in.readLong();
        int n = in.readInt();
        long a = in.readLong();
        List<Term> restored = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            restored.add(new Term(in.readLong(), in.readInt(), in.readLong()));
        }
        synchronized (this) {
            epoch = e;
            node = n;
            actions = a;
            terms.clear();
            terms.addAll(restored);
        }
    }
}

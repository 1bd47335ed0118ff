package io.synod.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.function.IntSupplier;

/** Runs the `synod` CLI in this JVM and captures what it prints, for the example tests. */
final class CliRun {
    private CliRun() {
    }

    record Output(int code, String out, String err) {
    }

    static int cli(String... args) {
        return Synod.run(args);
    }

    /** One capture at a time across all tests: System.out and System.err are global. */
    static synchronized Output capture(IntSupplier run) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            int code = run.getAsInt();
            return new Output(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}

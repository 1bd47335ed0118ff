package io.synod.storage;

import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class of the test classpath in a child JVM (same java binary, same classpath). */
final class ChildJvm {
    private static Path nativeLibraries;
    private ChildJvm() {
    }

    static Process start(Class<?> mainClass, String... args) {
        return start(List.of(), mainClass, args);
    }

    /** {@code prefix} runs before java (e.g. {@code prlimit --fsize=...}). */
    static Process start(List<String> prefix, Class<?> mainClass, String... args) {
        return start(prefix, ProcessBuilder.Redirect.PIPE, mainClass, args);
    }

    /** Like {@link #start(List, Class, String...)}, with the child's standard output sent to {@code output}. */
    static Process start(List<String> prefix, ProcessBuilder.Redirect output, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-Xmx256m");
        command.add("-Djava.library.path=" + nativeLibraryDirectory());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectOutput(output).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A directory holding RocksDB's native library, extracted once per test JVM. Children load it
     * from there instead of extracting 15 MB from the jar each time: faster starts, and a child
     * under a file-size limit can load it at all.
     */
    static synchronized Path nativeLibraryDirectory() {
        if (nativeLibraries == null) {
            try {
                Path dir = Files.createTempDirectory("synod-rocksdbjni");
                String name = Environment.getJniLibraryFileName("rocksdb");
                Path library = dir.resolve(name);
                try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException("no " + name + " in the rocksdbjni jar for this platform");
                    }
                    Files.copy(in, library);
                }
                library.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                nativeLibraries = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return nativeLibraries;
    }

    /** The child's next output line; fails with its exit code if it ended first. */
    static String readLine(BufferedReader out, Process child) throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new AssertionError("the child ended without output, exit code "
                    + (child.isAlive() ? "(still running)" : child.exitValue()));
        }
        return line;
    }
}

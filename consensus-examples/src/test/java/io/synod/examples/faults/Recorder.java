package io.synod.examples.faults;

import io.synod.testkit.History;
import io.synod.testkit.Operation;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects every client operation of a run, on one monotonic clock, and writes the history file. */
final class Recorder {
    private record Line(Operation operation, String meta) {
    }

    private final long origin = System.nanoTime();
    private final List<Line> lines = new ArrayList<>();

    long now() {
        return System.nanoTime() - origin;
    }

    synchronized void record(Operation operation, String meta) {
        lines.add(new Line(operation, meta));
    }

    synchronized List<Operation> operations() {
        return lines.stream().map(Line::operation).toList();
    }

    synchronized long count(java.util.function.Predicate<Operation> which) {
        return lines.stream().map(Line::operation).filter(which).count();
    }

    synchronized void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Line line : lines) {
                out.write(History.format(line.operation(), line.meta()));
                out.write('\n');
            }
        }
    }
}

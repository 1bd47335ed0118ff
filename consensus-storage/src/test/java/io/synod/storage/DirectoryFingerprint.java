package io.synod.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file under a directory with its size, modification time and content hash: equal fingerprints mean nothing was modified. */
final class DirectoryFingerprint {
    private DirectoryFingerprint() {
    }

    static Map<String, String> of(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                String name = root.relativize(path).toString();
                if (Files.isDirectory(path)) {
                    files.put(name + "/", "dir");
                } else {
                    byte[] content = Files.readAllBytes(path);
                    files.put(name, content.length + " bytes, modified " + Files.getLastModifiedTime(path)
                            + ", hash " + Arrays.hashCode(content));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}

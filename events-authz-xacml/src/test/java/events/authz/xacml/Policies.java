package events.authz.xacml;

import events.ports.PolicyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Policy files of the tests ({@code src/test/resources/policies}) and the shipped examples, by resource. */
final class Policies {
    static final Path TEST_POLICIES = Path.of("src/test/resources/policies");
    static final Path EXAMPLE_POLICIES = Path.of("../examples/policies");

    private Policies() {
    }

    /** The document of {@code resource} from either folder. */
    static String document(String resource) {
        for (Path dir : new Path[] {TEST_POLICIES, EXAMPLE_POLICIES}) {
            Path file = dir.resolve(resource + ".xml");
            if (Files.exists(file)) {
                return read(file);
            }
        }
        throw new IllegalArgumentException("no policy file for " + resource);
    }

    /** Puts every policy of both folders into {@code store}, each under the resource its file is named for. */
    static <S extends PolicyStore> S loadAll(S store) {
        for (Path dir : new Path[] {TEST_POLICIES, EXAMPLE_POLICIES}) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".xml")).forEach(f -> {
                    String name = f.getFileName().toString();
                    store.put(name.substring(0, name.length() - ".xml".length()), read(f));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return store;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

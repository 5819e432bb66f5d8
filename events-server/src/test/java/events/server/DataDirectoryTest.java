package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path directory;

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void createsAMissingDirectoryAndItsParentsTheDirectoryForItsOwnerOnly() throws Exception {
        Path data = directory.resolve("srv/events/data");

        DataDirectory.prepare(data);

        assertThat(permissions(data)).isEqualTo("rwx------");
    }

    @Test
    void closesADirectoryGroupOrOthersCouldReach() throws Exception {
        Path data = Files.createDirectory(directory.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-x--x"));

        DataDirectory.prepare(data);

        assertThat(permissions(data)).isEqualTo("rwx------");
    }

    @Test
    void makesTheServersFilesItsOwnersOnlyAndLeavesOtherFilesAlone() throws Exception {
        Path data = DataDirectory.prepare(directory.resolve("data"));
        for (String name : new String[] {"events.mv.db", "events.trace.db", "jwt-secret", "secret-key", "notes.txt"}) {
            Files.writeString(data.resolve(name), "x");
            Files.setPosixFilePermissions(data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
        }

        DataDirectory.restrictFiles(data);

        for (String name : new String[] {"events.mv.db", "events.trace.db", "jwt-secret", "secret-key"}) {
            assertThat(permissions(data.resolve(name))).as(name).isEqualTo("rw-------");
        }
        assertThat(permissions(data.resolve("notes.txt"))).isEqualTo("rw-r--r--");
    }
}

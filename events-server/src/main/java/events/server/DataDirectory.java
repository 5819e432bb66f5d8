package events.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory holds the H2 database (events, subscriptions, their sealed secrets), the generated JWT secret
 * and the generated key that opens those secrets: its owner's only. The directory is created {@code rwx------}
 * (0700), and one that group or others can reach is narrowed to that, with a warning, since a directory left
 * open by an older version (0755) would otherwise stay open. The server's files in it are narrowed to
 * {@code rw-------} (0600). H2 creates its files itself, with the process's umask (0644 usually), and may create
 * more later (a trace file); the closed directory is what keeps those out of reach, {@link #restrictFiles} narrows
 * the ones there at start as a second wall. On a file system without POSIX permissions nothing is changed.
 */
final class DataDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private DataDirectory() {
    }

    /** {@code dir}, created 0700 if missing (its parents as usual), narrowed to 0700 if group or others can reach it. */
    static Path prepare(Path dir) {
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                } catch (UnsupportedOperationException notPosix) {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it (narrowed below if need be), or it is not a directory (below)
                }
            }
            if (!Files.isDirectory(dir)) {
                throw new IOException("it exists and is not a directory");
            }
            narrow(dir, OWNER_ONLY_DIRECTORY, "the data directory");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        }
    }

    /** Narrows to 0600 the server's files in {@code dir} that group or others can reach: H2's and the keys'. */
    static void restrictFiles(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, DataDirectory::isTheServers)) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    narrow(file, OWNER_ONLY_FILE, "the file");
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list {} to make its files private to their owner: {}", dir.toAbsolutePath(), e.toString());
        }
    }

    /** H2's files of the database {@code events} ({@code events.mv.db}, {@code events.trace.db}, ...) and the keys. */
    private static boolean isTheServers(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("events.") || name.equals(JwtSecrets.FILE_NAME) || name.equals(SecretKeys.FILE_NAME);
    }

    /** Sets {@code wanted} when group or others have any permission on {@code path}; says so (WARN for a directory). */
    private static void narrow(Path path, Set<PosixFilePermission> wanted, String what) {
        Set<PosixFilePermission> now;
        try {
            now = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException | IOException notPosix) {
            return;
        }
        if (now.stream().noneMatch(GROUP_AND_OTHERS::contains)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(path, wanted);
            String message = "Made {} {} its owner's only: it was {}, it is {}";
            Object[] args = {what, path.toAbsolutePath(), PosixFilePermissions.toString(now),
                PosixFilePermissions.toString(wanted)};
            if (Files.isDirectory(path)) {
                LOG.warn(message, args);
            } else {
                LOG.info(message, args);
            }
        } catch (IOException e) {
            LOG.warn("{} {} can be reached by group or others ({}) and cannot be made its owner's only: {}", what,
                    path.toAbsolutePath(), PosixFilePermissions.toString(now), e.toString());
        }
    }
}

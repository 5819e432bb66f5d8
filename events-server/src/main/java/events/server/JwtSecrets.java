package events.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Where the HS256 secret comes from: {@code EVENTS_JWT_SECRET} when set; otherwise, unless only a JWKS is
 * configured, a random secret generated once into {@code <data dir>/jwt-secret} and reused on every start.
 */
final class JwtSecrets {
    static final String FILE_NAME = "jwt-secret";

    private JwtSecrets() {
    }

    static Optional<byte[]> resolve(ServerSettings settings) {
        if (settings.jwtSecret().isPresent()) {
            return settings.jwtSecret().map(s -> s.getBytes(StandardCharsets.UTF_8));
        }
        if (settings.jwtJwks().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(loadOrCreate(settings.dataDir().resolve(FILE_NAME)));
    }

    private static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                DataDirectory.prepare(file.toAbsolutePath().getParent());
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
                try {
                    restrictToOwner(tmp);
                    Files.writeString(tmp, secret + "\n");
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            String secret = Files.readString(file).trim();
            if (secret.getBytes(StandardCharsets.UTF_8).length < ServerSettings.MIN_SECRET_BYTES) {
                throw new SettingsException(file + " holds a secret shorter than " + ServerSettings.MIN_SECRET_BYTES
                        + " bytes; delete it to generate a new one");
            }
            return secret.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret file " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on non-POSIX file systems
        }
    }
}

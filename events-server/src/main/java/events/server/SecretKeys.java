package events.server;

import events.support.SecretBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the server seals with (webhook signing secrets in the database, see {@link SecretBox}): first
 * {@code EVENTS_SECRET_KEY} when set, otherwise a random key generated once into {@code <data dir>/secret-key} and
 * reused on every start; then the keys of {@code EVENTS_SECRET_KEY_PREVIOUS}, which only open what was sealed under
 * them until the server has sealed it again under the first (a rotation). A key is the base64 (or base64url) of 32
 * bytes. Losing the key loses every sealed secret: unlike the JWT secret, it cannot simply be generated again.
 */
final class SecretKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SecretKeys.class);
    static final String FILE_NAME = "secret-key";
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");

    private SecretKeys() {
    }

    /** The ring from {@code settings}: the current key (from the environment or the key file), then the previous ones. */
    static SecretBox resolve(ServerSettings settings) {
        byte[] current;
        if (settings.secretKey().isPresent()) {
            current = settings.secretKey().get();
        } else {
            Path file = settings.dataDir().resolve(FILE_NAME);
            current = loadOrCreate(file);
            if (settings.dbUrl().isPresent()) {
                LOG.warn("EVENTS_SECRET_KEY is not set: webhook signing secrets are sealed under {}, this node's own"
                        + " key; every node sharing the database needs the same key (set EVENTS_SECRET_KEY on each,"
                        + " e.g. to this file's content)", file.toAbsolutePath());
            }
        }
        List<byte[]> ring = new ArrayList<>();
        ring.add(current);
        ring.addAll(settings.previousSecretKeys());
        requireDistinct(Optional.of(current), settings.previousSecretKeys());
        return SecretBox.of(ring);
    }

    /**
     * The key in {@code value} (base64 or base64url of {@value SecretBox#KEY_BYTES} bytes, padded or not).
     *
     * @throws SettingsException naming {@code name} but never showing the value
     */
    static byte[] parse(String name, String value) {
        return decode(value).orElseThrow(() -> new SettingsException(name + " is not the base64 (or base64url) of "
                + SecretBox.KEY_BYTES + " bytes (the value is not shown); make a key with"
                + " `head -c 32 /dev/urandom | base64`"));
    }

    /** The comma-separated keys in {@code value}, each as {@link #parse}; blank entries are skipped. */
    static List<byte[]> parseList(String name, String value) {
        String[] parts = value.split(",");
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].isBlank()) {
                keys.add(parse(name + " (key " + (i + 1) + " of " + parts.length + ")", parts[i]));
            }
        }
        return keys;
    }

    /** Refuses a key given twice: a ring with a repeated key is a mistake (the old key still set as the new one). */
    static void requireDistinct(Optional<byte[]> current, List<byte[]> previous) {
        List<byte[]> all = new ArrayList<>(previous);
        current.ifPresent(k -> all.add(0, k));
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (Arrays.equals(all.get(i), all.get(j))) {
                    throw new SettingsException("EVENTS_SECRET_KEY_PREVIOUS holds the current key"
                            + " (EVENTS_SECRET_KEY or the generated key file) or one key twice; give each key once");
                }
            }
        }
    }

    private static Optional<byte[]> decode(String value) {
        String v = value.trim();
        byte[] key;
        try {
            if (BASE64.matcher(v).matches()) {
                key = Base64.getDecoder().decode(v);
            } else if (BASE64URL.matcher(v).matches()) {
                key = Base64.getUrlDecoder().decode(v);
            } else {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return key.length == SecretBox.KEY_BYTES ? Optional.of(key) : Optional.empty();
    }

    /**
     * The key in {@code file}, generated into it first if there is none. The file is written whole (and forced to
     * disk) under a temporary name, then linked to its name, which fails if another process made it meanwhile: two
     * processes starting at once on one data directory end up with the same key, never one each.
     */
    private static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Path dir = DataDirectory.prepare(file.toAbsolutePath().getParent());
                String key = Base64.getUrlEncoder().withoutPadding().encodeToString(SecretBox.generateKey());
                Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
                try {
                    restrictToOwner(tmp);
                    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        out.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.US_ASCII)));
                        out.force(true);
                    }
                    link(tmp, file);
                    LOG.info("Generated the key that seals webhook signing secrets into {}: back it up; without it"
                            + " they cannot be opened", file.toAbsolutePath());
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return decode(Files.readString(file, StandardCharsets.ISO_8859_1)).orElseThrow(() -> new SettingsException(
                    file.toAbsolutePath() + " does not hold a key (the base64 of " + SecretBox.KEY_BYTES
                            + " bytes): restore it from a backup; without it no sealed webhook signing secret opens"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key file " + file, e);
        }
    }

    /** Gives {@code file} the content of {@code tmp} unless it exists ({@link FileAlreadyExistsException} then). */
    private static void link(Path tmp, Path file) throws IOException {
        try {
            Files.createLink(file, tmp);
        } catch (UnsupportedOperationException noHardLinks) {
            Files.move(tmp, file); // refuses an existing file too, but checks before it renames
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

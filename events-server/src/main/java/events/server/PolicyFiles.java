package events.server;

import events.domain.InvalidPolicyException;
import events.ports.ManagePolicies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Loads {@code EVENTS_POLICY_DIR}: every {@code {resource URN}.xml} in the folder (not its subfolders) becomes
 * that resource's policy, replacing the stored one (a file equal to the stored policy is left alone, so that
 * restarting a node does not make every node drop its cached decisions). All files are checked before any is
 * stored, so a bad file changes nothing.
 */
final class PolicyFiles {
    private static final String SUFFIX = ".xml";

    private PolicyFiles() {
    }

    /** Returns the resources loaded, in order; a bad file fails with a {@link SettingsException} naming it. */
    static List<String> load(Path dir, ManagePolicies policies, BiConsumer<String, String> check) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SettingsException("EVENTS_POLICY_DIR=" + dir + " cannot be read: " + e.getMessage());
        }
        List<String[]> checked = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            String resource = name.substring(0, name.length() - SUFFIX.length());
            String document;
            try {
                // Strict decoding: a file in another encoding is refused rather than garbled.
                document = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException e) {
                throw new SettingsException("policy file " + file + " is not UTF-8");
            } catch (IOException e) {
                throw new SettingsException("policy file " + file + " cannot be read: " + e.getMessage());
            }
            try {
                check.accept(resource, document);
            } catch (InvalidPolicyException e) {
                throw new SettingsException("policy file " + file + " is invalid: " + e.getMessage());
            }
            checked.add(new String[] {resource, document});
        }
        List<String> loaded = new ArrayList<>();
        for (String[] policy : checked) {
            boolean unchanged = policies.get(policy[0]).map(stored -> stored.document().equals(policy[1])).orElse(false);
            if (!unchanged) {
                policies.put(policy[0], policy[1]);
            }
            loaded.add(policy[0]);
        }
        return loaded;
    }
}

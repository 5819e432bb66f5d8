package events.server;

import static events.server.EventsHttpClient.ADMIN;
import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.event;
import static events.server.EventsHttpClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code EVENTS_POLICY_DIR} / {@code --policy-dir}: policies loaded from a folder at start, all or nothing. */
class PolicyDirTest {
    private static final String GOOD = "urn:altinn:resource:a-good";
    private static final String BAD = "urn:altinn:resource:b-bad";
    private static final String POLICY_SET = """
            <PolicySet xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicySetId="s" Version="1.0"
                PolicyCombiningAlgId="urn:oasis:names:tc:xacml:3.0:policy-combining-algorithm:deny-overrides">
              <Target/>
            </PolicySet>""";

    @TempDir
    Path dataDir;

    @TempDir
    Path policyDir;

    private EventsServer start(String... extraFlags) {
        List<String> flags = new ArrayList<>(List.of("--port", "0", "--data-dir", dataDir.toString()));
        flags.addAll(List.of(extraFlags));
        return EventsServer.start(ServerSettings.from(Map.of(), flags));
    }

    private String token(String org, String scopes) {
        return EventsHttpClient.token(dataDir, org, scopes);
    }

    private void write(String fileName, String content) throws IOException {
        Files.writeString(policyDir.resolve(fileName), content);
    }

    @Test
    void loadsAndEnforcesAValidPolicyFile() {
        TestPolicies.writePermitOrg(policyDir, GOOD, "nav");

        try (EventsServer server = start("--policy-dir", policyDir.toString())) {
            EventsHttpClient api = new EventsHttpClient(server.baseUrl());
            assertThat(api.publish(token("nav", PUBLISH), event("n1", GOOD, "/party/1")).statusCode()).isEqualTo(200);
            assertThat(api.publish(token("ttd", PUBLISH), event("t1", GOOD, "/party/1")).statusCode()).isEqualTo(403);
            assertThat(api.getPolicy(token("ops", ADMIN), GOOD).body()).isEqualTo(TestPolicies.permitOrg("nav"));
        }
    }

    @Test
    void aFileReplacesTheStoredPolicyAtEveryStart() {
        try (EventsServer server = start()) {
            EventsHttpClient api = new EventsHttpClient(server.baseUrl());
            assertThat(api.putPolicy(token("ops", ADMIN), GOOD, TestPolicies.permitOrg("ttd")).statusCode()).isEqualTo(201);
        }
        TestPolicies.writePermitOrg(policyDir, GOOD, "nav");

        try (EventsServer server = start("--policy-dir", policyDir.toString())) {
            EventsHttpClient api = new EventsHttpClient(server.baseUrl());
            assertThat(api.getPolicy(token("ops", ADMIN), GOOD).body()).isEqualTo(TestPolicies.permitOrg("nav"));
            assertThat(api.publish(token("ttd", PUBLISH), event("t1", GOOD, "/party/1")).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void restartingWithAnUnchangedFolderLeavesThePolicyRevisionAlone() {
        TestPolicies.writePermitOrg(policyDir, GOOD, "nav");
        try (EventsServer server = start("--policy-dir", policyDir.toString())) {
            assertThat(server.baseUrl()).isNotEmpty();
        }
        long revision = storedRevision();

        try (EventsServer server = start("--policy-dir", policyDir.toString())) {
            assertThat(server.baseUrl()).isNotEmpty();
        }

        assertThat(storedRevision()).isEqualTo(revision).isPositive();
    }

    private long storedRevision() {
        try (events.adapters.jdbc.JdbcStores stores = events.adapters.jdbc.JdbcStores.h2(dataDir)) {
            return stores.policyStore().revision();
        }
    }

    @Test
    void oneBadFileStopsTheStartNamingItAndNothingFromTheFolderIsStored() throws IOException {
        try (EventsServer server = start()) {
            EventsHttpClient api = new EventsHttpClient(server.baseUrl());
            assertThat(api.putPolicy(token("ops", ADMIN), GOOD, TestPolicies.permitOrg("ttd")).statusCode()).isEqualTo(201);
        }
        // The good file sorts first: it is checked, but must not be stored, before the bad one is found.
        TestPolicies.writePermitOrg(policyDir, GOOD, "nav");
        write(BAD + ".xml", POLICY_SET);

        assertThatThrownBy(() -> start("--policy-dir", policyDir.toString()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(BAD + ".xml")
                .hasMessageContaining("PolicySet")
                .hasMessageNotContaining(GOOD + ".xml");

        try (EventsServer server = start()) {
            EventsHttpClient api = new EventsHttpClient(server.baseUrl());
            String admin = token("ops", ADMIN);
            assertThat(api.getPolicy(admin, GOOD).body()).as("the stored policy, unchanged")
                    .isEqualTo(TestPolicies.permitOrg("ttd"));
            assertThat(api.getPolicy(admin, BAD).statusCode()).isEqualTo(404);
            assertThat(json(api.listPolicies(admin).body())).extracting(JsonNode::asText).containsExactly(GOOD);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upper.xml", "urn:altinn:resource:UPPER.xml", "not-a-urn.xml", ".xml"})
    void aFileWhoseNameIsNotAResourceUrnIsRefusedByName(String fileName) throws IOException {
        TestPolicies.writePermitOrg(policyDir, GOOD, "nav");
        write(fileName, TestPolicies.permitOrg("nav"));

        assertThatThrownBy(() -> start("--policy-dir", policyDir.toString()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(policyDir.resolve(fileName).toString())
                .hasMessageContaining("lower-case URN");

        try (EventsServer server = start()) {
            assertThat(new EventsHttpClient(server.baseUrl()).listPolicies(token("ops", ADMIN)).body()).isEqualTo("[]");
        }
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedByName() throws IOException {
        Files.write(policyDir.resolve(BAD + ".xml"), new byte[] {'<', 'P', (byte) 0xFF, (byte) 0xFE, '/', '>'});

        assertThatThrownBy(() -> start("--policy-dir", policyDir.toString()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(BAD + ".xml")
                .hasMessageContaining("UTF-8");
    }

    @Test
    void ignoresSubfoldersAndFilesThatAreNotXml() throws IOException {
        TestPolicies.writePermitOrg(policyDir, GOOD, "nav");
        write("README.md", "not a policy");
        write(BAD + ".xml.bak", POLICY_SET);
        Files.createDirectories(policyDir.resolve("old"));
        Files.writeString(policyDir.resolve("old").resolve(BAD + ".xml"), POLICY_SET);

        try (EventsServer server = start("--policy-dir", policyDir.toString())) {
            assertThat(json(new EventsHttpClient(server.baseUrl()).listPolicies(token("ops", ADMIN)).body()))
                    .extracting(JsonNode::asText).containsExactly(GOOD);
        }
    }

    @Test
    void anEmptyFolderLoadsNothing() {
        try (EventsServer server = start("--policy-dir", policyDir.toString())) {
            assertThat(new EventsHttpClient(server.baseUrl()).listPolicies(token("ops", ADMIN)).body()).isEqualTo("[]");
        }
    }

    @Test
    void aPolicyDirThatIsNotADirectoryFailsInTheSettings() throws IOException {
        Path file = Files.writeString(policyDir.resolve("policies.xml"), TestPolicies.permitOrg("nav"));
        Path missing = policyDir.resolve("missing");

        assertThatThrownBy(() -> ServerSettings.from(Map.of(), List.of("--policy-dir", file.toString())))
                .isInstanceOf(SettingsException.class)
                .hasMessage("EVENTS_POLICY_DIR=" + file + " is not a directory");
        assertThatThrownBy(() -> ServerSettings.from(Map.of("EVENTS_POLICY_DIR", missing.toString()), List.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessage("EVENTS_POLICY_DIR=" + missing + " is not a directory");
    }
}

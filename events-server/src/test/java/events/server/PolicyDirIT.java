package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar refusing a bad {@code EVENTS_POLICY_DIR} the way an operator sees it. */
class PolicyDirIT {
    @TempDir
    Path dataDir;

    @Test
    void aBadPolicyFileStopsTheServerWithExitCode2AndOneLineNamingTheFile() throws Exception {
        Map<String, String> env = ServerProcessIT.env(dataDir);
        Path policies = Path.of(env.get("EVENTS_POLICY_DIR"));
        Path bad = policies.resolve("urn:altinn:resource:broken.xml");
        Files.writeString(bad, "<Policy>not closed");

        ServerProcess.Result result = ServerProcess.run(env);

        assertThat(result.exitCode()).as(result.stdout()).isEqualTo(2);
        assertThat(result.stderr().strip())
                .startsWith("events: policy file " + bad + " is invalid: the policy is not well-formed XML")
                .doesNotContain("\n");
        assertThat(result.stdout()).doesNotContain("SettingsException");
    }
}

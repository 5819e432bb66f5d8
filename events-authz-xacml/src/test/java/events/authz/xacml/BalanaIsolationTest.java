package events.authz.xacml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Balana's global singleton would read {@code ./src/main/resources/config.xml} (or the file named by
 * {@code org.wso2.balana.PDPConfigFile}) and instantiate the classes it names. The authorizer must ignore both.
 * Each case runs in a fresh JVM, because the singleton lives once per process.
 */
class BalanaIsolationTest {
    private static final String HOSTILE_CONFIG = """
            <config defaultPDP="hostile">
              <pdp name="hostile">
                <attributeFinderModule class="events.authz.xacml.BalanaTripwire"/>
              </pdp>
            </config>
            """;

    @TempDir
    Path dir;

    @Test
    void ignoresAConfigFileInTheWorkingDirectory() throws Exception {
        Path config = dir.resolve("src/main/resources/config.xml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, HOSTILE_CONFIG);

        assertDecidesWithoutTouchingTheTripwire(List.of());
    }

    @Test
    void ignoresAConfigFileNamedByTheSystemProperty() throws Exception {
        Path config = dir.resolve("hostile.xml");
        Files.writeString(config, HOSTILE_CONFIG);

        assertDecidesWithoutTouchingTheTripwire(List.of("-Dorg.wso2.balana.PDPConfigFile=" + config));
    }

    private void assertDecidesWithoutTouchingTheTripwire(List<String> jvmOptions) throws Exception {
        Path marker = dir.resolve("tripwire-marker");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dtripwire.marker=" + marker);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BalanaIsolationProbe.class.getName());
        command.add(Policies.EXAMPLE_POLICIES.resolve("urn:altinn:resource:ttd-svc.xml").toAbsolutePath().toString());
        Process child = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("answers=[true, false]");
        assertThat(marker).as("Balana instantiated a class named by the hostile config").doesNotExist();
    }
}

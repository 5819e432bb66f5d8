package events.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** XACML policies written by tests. */
final class TestPolicies {
    private TestPolicies() {
    }

    /** A policy that lets organisation {@code org} publish and subscribe to every event of the resource. */
    static String permitOrg(String org) {
        return """
                <Policy xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="urn:test:permit-%1$s" Version="1.0"
                    RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides">
                  <Target/>
                  <Rule RuleId="%1$s-publishes-and-subscribes" Effect="Permit">
                    <Target>
                      <AnyOf><AllOf>
                        <Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
                          <AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">%1$s</AttributeValue>
                          <AttributeDesignator AttributeId="urn:altinn:org"
                              Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject"
                              DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/>
                        </Match>
                      </AllOf></AnyOf>
                    </Target>
                  </Rule>
                </Policy>
                """.formatted(org);
    }

    /** Writes {@code dir/{resource}.xml} with {@link #permitOrg}; returns {@code dir}. */
    static Path writePermitOrg(Path dir, String resource, String org) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(resource + ".xml"), permitOrg(org));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

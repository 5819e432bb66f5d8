package events.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hexagon's walls (SPEC section 2), checked on the compiled main classes of every module. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("events");
    }

    @Test
    void domainDependsOnlyOnTheJdk() {
        classes().that().resideInAPackage("events.domain..")
                // javax.crypto is part of java.base (webhook signatures), unlike the rest of javax
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "events.domain..")
                .check(classes);
    }

    @Test
    void portsDependOnlyOnTheDomain() {
        classes().that().resideInAPackage("events.ports..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "events.domain..", "events.ports..")
                .check(classes);
    }

    @Test
    void supportDependsOnlyOnTheJdkAndLogging() {
        classes().that().resideInAPackage("events.support..")
                // javax.crypto is part of java.base (SecretBox), unlike the rest of javax
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax.crypto..", "events.support..", "org.slf4j..")
                .check(classes);
    }

    @Test
    void coreDependsOnlyOnPortsDomainSupportAndLogging() {
        classes().that().resideInAPackage("events.core..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "events.domain..", "events.ports..", "events.support..", "events.core..",
                        "org.slf4j..")
                .check(classes);
    }

    @Test
    void adaptersNeverImportEachOtherNorTheCore() {
        String[] adapters = {"events.adapters.jdbc..", "events.adapters.http..", "events.authz.xacml..", "events.filter.."};
        for (String adapter : adapters) {
            for (String other : adapters) {
                if (!other.equals(adapter)) {
                    noClasses().that().resideInAPackage(adapter)
                            .should().dependOnClassesThat().resideInAPackage(other)
                            .check(classes);
                }
            }
            noClasses().that().resideInAPackage(adapter)
                    .should().dependOnClassesThat().resideInAnyPackage("events.core..", "events.server..")
                    .check(classes);
        }
    }

    @Test
    void onlyTheServerReadsTheEnvironment() {
        noClasses().that().resideOutsideOfPackage("events.server..")
                .should().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class)
                .check(classes);
    }

    @Test
    void balanaAndXmlTypesStayInsideTheXacmlAdapter() {
        noClasses().that().resideOutsideOfPackage("events.authz.xacml..")
                .should().dependOnClassesThat().resideInAnyPackage("org.wso2.balana..", "org.w3c.dom..", "javax.xml..",
                        "org.xml.sax..", "org.apache.xerces..")
                .check(classes);
        classes().that().resideInAPackage("events.authz.xacml..").and().arePublic()
                .should().haveNameMatching("events\\.authz\\.xacml\\.XacmlAuthorizer(\\$Builder)?")
                .because("the module's only public types are XacmlAuthorizer and its builder")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheServer() {
        noClasses().that().resideOutsideOfPackage("events.server..")
                .should().dependOnClassesThat().resideInAPackage("events.server..")
                .check(classes);
    }

    @Test
    void testkitBuildsOnlyOnPortsAndDomain() {
        noClasses().that().resideInAPackage("events.testkit..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("events.core..", "events.adapters..", "events.authz..", "events.filter..", "events.server..")
                .check(classes);
    }
}

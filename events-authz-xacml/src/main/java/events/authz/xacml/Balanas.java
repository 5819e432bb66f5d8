package events.authz.xacml;

import events.domain.InvalidPolicyException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.wso2.balana.AbstractPolicy;
import org.wso2.balana.Balana;
import org.wso2.balana.ConfigurationStore;
import org.wso2.balana.MatchResult;
import org.wso2.balana.PDP;
import org.wso2.balana.PDPConfig;
import org.wso2.balana.ParsingException;
import org.wso2.balana.Policy;
import org.wso2.balana.XACMLConstants;
import org.wso2.balana.ctx.EvaluationCtx;
import org.wso2.balana.ctx.Status;
import org.wso2.balana.finder.AttributeFinder;
import org.wso2.balana.finder.PolicyFinder;
import org.wso2.balana.finder.PolicyFinderModule;
import org.wso2.balana.finder.PolicyFinderResult;
import org.wso2.balana.finder.impl.CurrentEnvModule;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Everything this module asks of Balana: parsing a policy document and building a PDP that evaluates exactly
 * that policy, from configuration owned here.
 */
final class Balanas {
    static {
        initializeGlobalDefaults();
        RegexpMatchFactory.install();
    }

    private Balanas() {
    }

    /**
     * Balana keeps a process-wide singleton that its parsers consult for attribute, function and combining
     * factories. On first use it would read the file named by the system property
     * {@value ConfigurationStore#PDP_CONFIG_PROPERTY}, or else {@code ./src/main/resources/config.xml} of
     * whatever the working directory is, and instantiate the classes that file names. We create the singleton
     * first. When either source exists, the property points at a file that does not, for that moment, so that
     * Balana falls back to its built-in standard factories whatever files lie around (it logs an error about
     * the missing file then); otherwise nothing is read and nothing is logged.
     */
    private static void initializeGlobalDefaults() {
        synchronized (System.getProperties()) {
            String previous = System.getProperty(ConfigurationStore.PDP_CONFIG_PROPERTY);
            if (previous == null && !Files.exists(Path.of("src", "main", "resources", "config.xml"))) {
                Balana.getInstance();
                return;
            }
            Path nowhere = null;
            try {
                nowhere = Files.createTempDirectory("events-balana");
                System.setProperty(ConfigurationStore.PDP_CONFIG_PROPERTY, nowhere.resolve("none.xml").toString());
                Balana.getInstance();
            } catch (IOException e) {
                throw new IllegalStateException("unable to create a temporary directory for Balana's start", e);
            } finally {
                if (previous == null) {
                    System.clearProperty(ConfigurationStore.PDP_CONFIG_PROPERTY);
                } else {
                    System.setProperty(ConfigurationStore.PDP_CONFIG_PROPERTY, previous);
                }
                if (nowhere != null) {
                    try {
                        Files.deleteIfExists(nowhere);
                    } catch (IOException ignored) {
                        // an empty temporary directory left behind
                    }
                }
            }
        }
    }

    /**
     * The DOM of a policy document within {@code limits}, from a parser that refuses DTDs, external entities and
     * XInclude (and builds the tree without recursion, so that depth is checked before anything recursive runs).
     */
    static Element parseXml(String document, DocumentLimits limits) {
        limits.checkLength(document);
        Element root;
        try {
            DocumentBuilder builder = SECURE_FACTORY.newDocumentBuilder();
            builder.setErrorHandler(null);
            // A byte order mark may start a document (XML 1.0, 4.3.3); decoded text keeps it as U+FEFF.
            String text = document.startsWith("\uFEFF") ? document.substring(1) : document;
            Document dom = builder.parse(new InputSource(new StringReader(text)));
            root = dom.getDocumentElement();
        } catch (SAXException e) {
            throw new InvalidPolicyException("the policy is not well-formed XML: " + e.getMessage(), e);
        } catch (IOException | ParserConfigurationException e) {
            throw new InvalidPolicyException("the policy could not be read as XML: " + e.getMessage(), e);
        }
        limits.checkDepth(root);
        return root;
    }

    /** A Balana policy from a document's root element, which must be an XACML 3.0 {@code Policy}. */
    static AbstractPolicy parsePolicy(Element root) {
        if (!XACMLConstants.XACML_3_0_IDENTIFIER.equals(root.getNamespaceURI())) {
            throw new InvalidPolicyException("the policy is not XACML 3.0: its root element must be in namespace "
                    + XACMLConstants.XACML_3_0_IDENTIFIER + ", found "
                    + (root.getNamespaceURI() == null ? "no namespace" : root.getNamespaceURI()));
        }
        if (!"Policy".equals(root.getLocalName())) {
            throw new InvalidPolicyException("the root element must be an XACML 3.0 Policy, found "
                    + root.getLocalName() + " (one Policy per resource; PolicySet is not supported)");
        }
        try {
            return Policy.getInstance(root);
        } catch (ParsingException e) {
            throw new InvalidPolicyException("the XACML engine rejected the policy: " + describe(e), e);
        } catch (StackOverflowError e) {
            // Balana's parser recurses once per level or more; the depth limit keeps this away unless set very high.
            throw new InvalidPolicyException("the XACML engine could not load a policy nested this deeply", e);
        } catch (RuntimeException e) {
            // Balana fails this way (e.g. with a NullPointerException) when a required attribute is missing.
            throw new InvalidPolicyException("the XACML engine could not load the policy; check that the required"
                    + " attributes are present (Policy: PolicyId, Version, RuleCombiningAlgId; Rule: RuleId, Effect;"
                    + " Match: MatchId; designators: AttributeId, Category, DataType)", e);
        }
    }

    /**
     * A decision point that evaluates {@code policy} alone. Attributes come from the request, plus the current
     * date and time (XACML's environment attributes); nothing else is looked up.
     */
    static PDP pdpFor(AbstractPolicy policy) {
        PolicyFinder finder = new PolicyFinder();
        finder.setModules(Set.of(new OnePolicy(policy)));
        finder.init();
        AttributeFinder attributes = new AttributeFinder();
        attributes.setModules(List.of(new CurrentEnvModule()));
        return new PDP(new PDPConfig(attributes, finder, null, false));
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString();
    }

    private static final DocumentBuilderFactory SECURE_FACTORY = secureFactory();

    private static DocumentBuilderFactory secureFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe for policy documents", e);
        }
        return factory;
    }

    /** Finds the one policy it holds, when the policy's target matches the request. */
    private static final class OnePolicy extends PolicyFinderModule {
        private final AbstractPolicy policy;

        OnePolicy(AbstractPolicy policy) {
            this.policy = policy;
        }

        @Override
        public void init(PolicyFinder finder) {
        }

        @Override
        public boolean isRequestSupported() {
            return true;
        }

        @Override
        public PolicyFinderResult findPolicy(EvaluationCtx context) {
            MatchResult match = policy.match(context);
            return switch (match.getResult()) {
                case MatchResult.MATCH -> new PolicyFinderResult(policy);
                case MatchResult.NO_MATCH -> new PolicyFinderResult();
                default -> new PolicyFinderResult(match.getStatus() != null ? match.getStatus()
                        : new Status(List.of(Status.STATUS_PROCESSING_ERROR)));
            };
        }
    }
}

package events.authz.xacml;

import java.util.Set;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wso2.balana.DOMHelper;

/**
 * Finds the attributes a policy document designates the way Balana finds elements: by local name, in any namespace
 * or none. Every designator element counts wherever it is, even where Balana would ignore it, so this is wider than
 * what Balana evaluates, and it is the only view into obligation and advice expressions, which Balana parses and
 * evaluates (one that throws denies the request) but does not let one read back. An attribute selector anywhere
 * makes the policy uncacheable.
 */
final class DocumentReads {
    /** Balana's {@code ExpressionHandler} reads each of these names as an attribute designator. */
    private static final Set<String> DESIGNATORS = Set.of("AttributeDesignator", "SubjectAttributeDesignator",
            "ResourceAttributeDesignator", "ActionAttributeDesignator", "EnvironmentAttributeDesignator");

    private DocumentReads() {
    }

    static void collect(Element root, AttributeReads reads) {
        NodeList elements = root.getElementsByTagName("*");
        for (int i = 0; i < elements.getLength(); i++) {
            Element element = (Element) elements.item(i);
            String name = DOMHelper.getLocalName(element);
            if (DESIGNATORS.contains(name)) {
                reads.designator(attribute(element, "Category"), attribute(element, "AttributeId"));
            } else if ("AttributeSelector".equals(name)) {
                reads.uncacheable("it has an AttributeSelector");
            }
        }
    }

    /** The attribute as Balana reads it (by its qualified name), or null if absent. */
    private static String attribute(Element element, String name) {
        Attr attribute = element.getAttributeNode(name);
        return attribute == null ? null : attribute.getValue();
    }
}

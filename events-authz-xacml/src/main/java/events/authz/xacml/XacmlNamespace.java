package events.authz.xacml;

import events.domain.InvalidPolicyException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wso2.balana.XACMLConstants;

/**
 * Refuses a policy document with an element outside the XACML 3.0 namespace. Balana reads elements by local name,
 * whatever their namespace, and evaluates such a document; anything else that reads it as XML, namespace-aware as
 * XML should be read, sees something else (the decision cache's key once saw no attribute at all). Holding every
 * element to the one namespace keeps every reader in agreement.
 *
 * <p>That includes the content of an {@code AttributeValue}: XACML allows any XML there, for values of XML types,
 * but Balana's built-in types, and the string attributes Events sends, are text; none of the shipped policies has
 * any. Attributes of elements are not checked: Balana reads them by unprefixed name only, and documents may carry
 * others such as {@code xsi:schemaLocation}.
 */
final class XacmlNamespace {
    private XacmlNamespace() {
    }

    /** Throws {@link InvalidPolicyException} naming the first element, in document order, outside the namespace. */
    static void check(Element root) {
        check(root, root);
        NodeList elements = root.getElementsByTagName("*");
        for (int i = 0; i < elements.getLength(); i++) {
            check(root, (Element) elements.item(i));
        }
    }

    private static void check(Element root, Element element) {
        String namespace = element.getNamespaceURI();
        if (!XACMLConstants.XACML_3_0_IDENTIFIER.equals(namespace)) {
            throw new InvalidPolicyException("the policy has an element outside the XACML 3.0 namespace: <"
                    + element.getTagName() + "> is " + (namespace == null ? "in no namespace" : "in " + namespace)
                    + "; every element must be in " + XACMLConstants.XACML_3_0_IDENTIFIER
                    + " (declare it as the default namespace, xmlns=\"" + XACMLConstants.XACML_3_0_IDENTIFIER
                    + "\", or give every element the root's prefix" + prefixOf(root) + ")");
        }
    }

    private static String prefixOf(Element root) {
        return root.getPrefix() == null ? "" : ", " + root.getPrefix() + ":";
    }
}

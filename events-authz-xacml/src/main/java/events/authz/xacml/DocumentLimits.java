package events.authz.xacml;

import events.domain.InvalidPolicyException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * How long a policy document and how deeply nested its elements may be. Balana parses and evaluates policies
 * recursively, so a deep enough document overflows the stack; these checks themselves do not recurse.
 */
record DocumentLimits(int maxLength, int maxDepth) {

    /** Refuses a document longer than {@code maxLength} characters. */
    void checkLength(String document) {
        if (document.length() > maxLength) {
            throw new InvalidPolicyException("the policy is " + document.length() + " characters long (limit "
                    + maxLength + ")");
        }
    }

    /** Refuses a document whose elements nest deeper than {@code maxDepth}; the root element is level 1. */
    void checkDepth(Element root) {
        Node node = root;
        int depth = 1;
        while (node != null) {
            if (depth > maxDepth && node.getNodeType() == Node.ELEMENT_NODE) {
                throw new InvalidPolicyException("the policy is nested deeper than " + maxDepth + " elements (limit "
                        + maxDepth + ")");
            }
            if (node.getFirstChild() != null) {
                node = node.getFirstChild();
                depth++;
                continue;
            }
            while (node != root && node.getNextSibling() == null) {
                node = node.getParentNode();
                depth--;
            }
            node = node == root ? null : node.getNextSibling();
        }
    }
}

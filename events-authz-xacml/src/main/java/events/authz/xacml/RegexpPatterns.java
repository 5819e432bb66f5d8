package events.authz.xacml;

import events.domain.InvalidPolicyException;
import java.util.regex.PatternSyntaxException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.wso2.balana.XACMLConstants;
import org.wso2.balana.attr.StringAttribute;

/**
 * Refuses a policy in which a regular-expression match has a literal pattern that {@link RegexpMatch#compile}
 * refuses. A pattern is literal as the {@code AttributeValue} of a {@code Match}, or as the first argument of an
 * {@code Apply} of the function, or of a higher-order {@code Apply} ({@code any-of} and the like) after the
 * function, where a {@code string-bag} of {@code AttributeValue}s is literal too. Other patterns, computed from
 * attributes or variables, can only fail at evaluation. Reads the XACML namespace only: it runs after
 * {@link XacmlNamespace#check}, which refuses elements anywhere else.
 */
final class RegexpPatterns {
    private static final String STRING_BAG = "urn:oasis:names:tc:xacml:1.0:function:string-bag";
    private static final int QUOTED_PATTERN_LENGTH = 200;

    private RegexpPatterns() {
    }

    static void check(Element root) {
        NodeList matches = root.getElementsByTagNameNS(XACMLConstants.XACML_3_0_IDENTIFIER, "Match");
        for (int i = 0; i < matches.getLength(); i++) {
            Element match = (Element) matches.item(i);
            String function = match.getAttribute("MatchId");
            if (RegexpMatch.VALUE_TYPES.containsKey(function)) {
                checkLiterals(function, firstElementAfter(match.getFirstChild(), "AttributeValue"));
            }
        }
        NodeList applies = root.getElementsByTagNameNS(XACMLConstants.XACML_3_0_IDENTIFIER, "Apply");
        for (int i = 0; i < applies.getLength(); i++) {
            Element apply = (Element) applies.item(i);
            String function = apply.getAttribute("FunctionId");
            if (RegexpMatch.VALUE_TYPES.containsKey(function)) {
                checkLiterals(function, firstElementAfter(apply.getFirstChild(), null));
            }
            Element passed = firstElementAfter(apply.getFirstChild(), "Function");
            if (passed != null && RegexpMatch.VALUE_TYPES.containsKey(passed.getAttribute("FunctionId"))) {
                checkLiterals(passed.getAttribute("FunctionId"), firstElementAfter(passed.getNextSibling(), null));
            }
        }
    }

    /** Checks {@code argument} if it is a literal string or a {@code string-bag} of literals. */
    private static void checkLiterals(String function, Element argument) {
        if (argument == null) {
            return;
        }
        if ("AttributeValue".equals(argument.getLocalName())) {
            checkPattern(function, argument);
        } else if ("Apply".equals(argument.getLocalName()) && STRING_BAG.equals(argument.getAttribute("FunctionId"))) {
            for (Element v = firstElementAfter(argument.getFirstChild(), "AttributeValue"); v != null;
                    v = firstElementAfter(v.getNextSibling(), "AttributeValue")) {
                checkPattern(function, v);
            }
        }
    }

    private static void checkPattern(String function, Element attributeValue) {
        // Read as Balana reads it, so that the pattern checked is the pattern evaluated.
        StringAttribute pattern = StringAttribute.getInstance(attributeValue);
        if (pattern == null) {
            return;
        }
        try {
            RegexpMatch.compile(pattern.getValue());
        } catch (PatternSyntaxException e) {
            throw new InvalidPolicyException("the pattern \"" + quoted(pattern.getValue()) + "\" of " + function
                    + " is not a valid regular expression: " + e.getDescription());
        }
    }

    /** The first XACML element from {@code node} on among its siblings, named {@code localName} or any (null). */
    private static Element firstElementAfter(Node node, String localName) {
        for (Node n = node; n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && XACMLConstants.XACML_3_0_IDENTIFIER.equals(n.getNamespaceURI())
                    && !"Description".equals(n.getLocalName())
                    && (localName == null || localName.equals(n.getLocalName()))) {
                return (Element) n;
            }
        }
        return null;
    }

    private static String quoted(String pattern) {
        return pattern.length() <= QUOTED_PATTERN_LENGTH ? pattern
                : pattern.substring(0, QUOTED_PATTERN_LENGTH) + "… (" + pattern.length() + " characters)";
    }
}

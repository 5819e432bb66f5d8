package events.authz.xacml;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wso2.balana.PDP;
import org.wso2.balana.XACMLConstants;
import org.wso2.balana.attr.AttributeValue;
import org.wso2.balana.attr.StringAttribute;
import org.wso2.balana.ctx.AbstractResult;
import org.wso2.balana.ctx.Attribute;
import org.wso2.balana.ctx.ResponseCtx;
import org.wso2.balana.ctx.xacml3.RequestCtx;
import org.wso2.balana.xacml3.Attributes;

/**
 * One resource's policy, parsed and ready to evaluate, with the list of request attributes it can look at:
 * only those can change its answer, so only those go into a decision's cache key.
 */
final class CompiledPolicy {
    private static final URI STRING = URI.create(StringAttribute.identifier);

    private final String resource;
    private final long revision;
    private final PDP pdp;
    /** (category, attribute id) of every AttributeDesignator in the policy, in document order. */
    private final List<String[]> referenced;
    /** False when the policy reads the environment (e.g. the current time): its answers cannot be cached. */
    private final boolean cacheable;

    private CompiledPolicy(String resource, long revision, PDP pdp, List<String[]> referenced, boolean cacheable) {
        this.resource = resource;
        this.revision = revision;
        this.pdp = pdp;
        this.referenced = referenced;
        this.cacheable = cacheable;
    }

    /**
     * Loads the policy whose document element is {@code root}; throws {@link events.domain.InvalidPolicyException}
     * if unusable.
     */
    static CompiledPolicy compile(String resource, Element root, long revision) {
        PDP pdp = Balanas.pdpFor(Balanas.parsePolicy(root));
        Set<List<String>> designators = new LinkedHashSet<>();
        NodeList found = root.getElementsByTagNameNS(XACMLConstants.XACML_3_0_IDENTIFIER, "AttributeDesignator");
        boolean readsEnvironment = false;
        for (int i = 0; i < found.getLength(); i++) {
            Element designator = (Element) found.item(i);
            String category = designator.getAttribute("Category");
            designators.add(List.of(category, designator.getAttribute("AttributeId")));
            readsEnvironment |= RequestAttributes.ENVIRONMENT.equals(category);
        }
        List<String[]> referenced = new ArrayList<>();
        for (List<String> d : designators) {
            referenced.add(new String[] {d.get(0), d.get(1)});
        }
        return new CompiledPolicy(resource, revision, pdp, List.copyOf(referenced), !readsEnvironment);
    }

    boolean cacheable() {
        return cacheable;
    }

    /** What decides this policy's answer for these attributes: equal keys, equal answers. */
    DecisionKey keyFor(SortedMap<String, SortedMap<String, SortedSet<String>>> attributes) {
        List<Set<String>> values = new ArrayList<>(referenced.size());
        for (String[] r : referenced) {
            values.add(RequestAttributes.values(attributes, r[0], r[1]));
        }
        return new DecisionKey(resource, revision, values);
    }

    /**
     * True only for Permit; Deny, NotApplicable and every Indeterminate are false. Throws
     * {@link UnableToEvaluatePolicyException} if Balana throws, including {@link StackOverflowError}.
     */
    boolean permits(SortedMap<String, SortedMap<String, SortedSet<String>>> attributes) {
        try {
            return evaluate(attributes);
        } catch (RuntimeException | StackOverflowError e) {
            throw new UnableToEvaluatePolicyException(resource, revision, e);
        }
    }

    private boolean evaluate(SortedMap<String, SortedMap<String, SortedSet<String>>> attributes) {
        Set<Attributes> categories = new HashSet<>();
        for (Map.Entry<String, SortedMap<String, SortedSet<String>>> category : attributes.entrySet()) {
            Set<Attribute> inCategory = new HashSet<>();
            for (Map.Entry<String, SortedSet<String>> attribute : category.getValue().entrySet()) {
                List<AttributeValue> values = new ArrayList<>(attribute.getValue().size());
                for (String v : attribute.getValue()) {
                    values.add(new StringAttribute(v));
                }
                inCategory.add(new Attribute(URI.create(attribute.getKey()), STRING, null, null, values, false,
                        XACMLConstants.XACML_VERSION_3_0));
            }
            categories.add(new Attributes(URI.create(category.getKey()), inCategory));
        }
        ResponseCtx response = pdp.evaluate(new RequestCtx(categories, null));
        Set<AbstractResult> results = response.getResults();
        return !results.isEmpty()
                && results.stream().allMatch(r -> r.getDecision() == AbstractResult.DECISION_PERMIT);
    }

    /** A cache key: the policy (resource and revision) and the values of the attributes it reads. */
    record DecisionKey(String resource, long revision, List<Set<String>> values) {
    }
}

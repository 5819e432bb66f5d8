package events.authz.xacml;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import org.w3c.dom.Element;
import org.wso2.balana.AbstractPolicy;
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
 * One resource's policy, parsed and ready to evaluate, with the request attributes it can read: only those can
 * change its answer, so only their values go into a decision's cache key.
 *
 * <p>A key that leaves out an attribute the policy reads hands one caller's answer to another, so the attributes
 * are found in what Balana evaluates ({@link ParsedPolicyReads}) and, as a cross-check and for obligation and
 * advice expressions, in every designator element of the document whatever its namespace ({@link DocumentReads}),
 * and the key holds both. A policy with anything neither can name as an attribute (an attribute selector, an XPath
 * function, an element of a kind not known) is not cached, nor is one that reads the environment (the time).
 */
final class CompiledPolicy {
    private static final URI STRING = URI.create(StringAttribute.identifier);

    private final String resource;
    private final long revision;
    private final PDP pdp;
    /** Every attribute the policy can read, sorted. */
    private final List<AttributeReads.Name> referenced;
    /** False when the policy's answers may change with more than those attributes: they are not cached. */
    private final boolean cacheable;

    private CompiledPolicy(String resource, long revision, PDP pdp, List<AttributeReads.Name> referenced,
            boolean cacheable) {
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
        AbstractPolicy policy = Balanas.parsePolicy(root);
        AttributeReads reads = new AttributeReads();
        ParsedPolicyReads.collect(policy, reads);
        DocumentReads.collect(root, reads);
        return new CompiledPolicy(resource, revision, Balanas.pdpFor(policy), reads.names(), reads.cacheable());
    }

    boolean cacheable() {
        return cacheable;
    }

    /** What decides this policy's answer for these attributes: equal keys, equal answers. */
    DecisionKey keyFor(SortedMap<String, SortedMap<String, SortedSet<String>>> attributes) {
        List<Set<String>> values = new ArrayList<>(referenced.size());
        for (AttributeReads.Name name : referenced) {
            values.add(RequestAttributes.values(attributes, name.category(), name.id()));
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

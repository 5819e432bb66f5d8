package events.authz.xacml;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import org.wso2.balana.AbstractPolicy;
import org.wso2.balana.Policy;
import org.wso2.balana.Rule;
import org.wso2.balana.TargetMatch;
import org.wso2.balana.attr.AttributeValue;
import org.wso2.balana.cond.Apply;
import org.wso2.balana.cond.Condition;
import org.wso2.balana.cond.Function;
import org.wso2.balana.cond.VariableDefinition;
import org.wso2.balana.cond.VariableReference;
import org.wso2.balana.cond.xacml3.XPathFunction;
import org.wso2.balana.xacml3.AllOfSelection;
import org.wso2.balana.xacml3.AnyOfSelection;
import org.wso2.balana.xacml3.Target;

/**
 * Finds the attributes a policy reads in the policy Balana parsed, which is what it evaluates: the policy's target,
 * its variable definitions and each rule's target and condition, down through every {@code AnyOf}, {@code AllOf},
 * {@code Match}, {@code Apply} and {@code VariableReference} to the designators. Reading the document instead misses
 * what Balana finds there and a namespace-aware reader does not: Balana picks elements by local name, whatever their
 * namespace.
 *
 * <p>Only the designators read request attributes. Literal values read nothing, and neither do functions: Balana's
 * standard ones, and {@link RegexpMatch}, see the request only through their arguments, except the XPath functions,
 * which read it themselves. Those, attribute selectors, and any kind of element this walk does not know make the
 * policy uncacheable. Obligation and advice expressions are out of reach here (Balana keeps them to itself):
 * {@link DocumentReads} covers them.
 */
final class ParsedPolicyReads {
    private ParsedPolicyReads() {
    }

    static void collect(AbstractPolicy policy, AttributeReads reads) {
        if (!(policy instanceof Policy p)) {
            reads.uncacheable("a " + policy.getClass().getSimpleName() + " is not walked");
            return;
        }
        Deque<Object> pending = new ArrayDeque<>();
        pushAll(pending, p.getChildren());
        pushAll(pending, p.getVariableDefinitions());
        push(pending, p.getTarget());
        // Iterative, so that a deeply nested policy cannot overflow the stack here.
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            while (!pending.isEmpty()) {
                Object next = pending.pop();
                if (seen.add(next)) {
                    visit(next, pending, reads);
                }
            }
        } catch (RuntimeException e) {
            reads.uncacheable("walking the parsed policy failed: " + e);
        }
    }

    private static void visit(Object node, Deque<Object> pending, AttributeReads reads) {
        if (node instanceof org.wso2.balana.attr.xacml3.AttributeDesignator d) {
            reads.designator(d.getCategory() == null ? null : d.getCategory().toString(),
                    d.getId() == null ? null : d.getId().toString());
        } else if (node instanceof org.wso2.balana.attr.AttributeDesignator d) {
            reads.designator(d.getCategory() == null ? null : d.getCategory().toString(),
                    d.getId() == null ? null : d.getId().toString());
        } else if (node instanceof AttributeValue) {
            // a literal
        } else if (node instanceof XPathFunction) {
            reads.uncacheable("it uses an XPath function");
        } else if (node instanceof Function) {
            // reads what its arguments evaluate to, nothing more
        } else if (node instanceof Apply apply) {
            push(pending, apply.getFunction());
            pushAll(pending, apply.getChildren());
        } else if (node instanceof Condition condition) {
            push(pending, condition.getFunction());
            pushAll(pending, condition.getChildren());
        } else if (node instanceof VariableReference reference) {
            VariableDefinition definition = reference.getReferencedDefinition();
            if (definition == null) {
                reads.uncacheable("variable " + reference.getVariableId() + " cannot be resolved");
            }
            push(pending, definition);
        } else if (node instanceof VariableDefinition definition) {
            push(pending, definition.getExpression());
        } else if (node instanceof Rule rule) {
            push(pending, rule.getTarget());
            push(pending, rule.getCondition());
        } else if (node instanceof Target target) {
            pushAll(pending, target.getAnyOfSelections());
        } else if (node instanceof AnyOfSelection anyOf) {
            pushAll(pending, anyOf.getAllOfSelections());
        } else if (node instanceof AllOfSelection allOf) {
            pushAll(pending, allOf.getMatches());
        } else if (node instanceof TargetMatch match) {
            push(pending, match.getMatchFunction());
            push(pending, match.getMatchEvaluatable());
            push(pending, match.getMatchValue());
        } else {
            reads.uncacheable("it holds a " + node.getClass().getName() + ", which is not known to read nothing");
        }
    }

    private static void push(Deque<Object> pending, Object node) {
        if (node != null) {
            pending.push(node);
        }
    }

    private static void pushAll(Deque<Object> pending, Collection<?> nodes) {
        if (nodes != null) {
            nodes.forEach(n -> push(pending, n));
        }
    }
}

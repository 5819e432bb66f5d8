package events.authz.xacml;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.wso2.balana.attr.AnyURIAttribute;
import org.wso2.balana.attr.AttributeValue;
import org.wso2.balana.attr.BooleanAttribute;
import org.wso2.balana.attr.DNSNameAttribute;
import org.wso2.balana.attr.IPAddressAttribute;
import org.wso2.balana.attr.StringAttribute;
import org.wso2.balana.cond.EvaluationResult;
import org.wso2.balana.cond.Evaluatable;
import org.wso2.balana.cond.FunctionBase;
import org.wso2.balana.cond.MatchFunction;
import org.wso2.balana.ctx.EvaluationCtx;

/**
 * One of Balana's regular-expression match functions, answering as Balana's {@code MatchFunction} does, except
 * that a match may read its text at most {@value #MAX_READS} times: backtracking is reading, so a pattern that
 * backtracks catastrophically on a publisher's value throws {@link TooCostlyException} instead of running on.
 */
final class RegexpMatch extends FunctionBase {
    /** The functions replaced, each with the type of the value it matches: those Balana 1.2.24 provides. */
    static final Map<String, String> VALUE_TYPES = Map.of(
            MatchFunction.NAME_STRING_REGEXP_MATCH, StringAttribute.identifier,
            MatchFunction.NAME_REGEXP_STRING_MATCH, StringAttribute.identifier,
            MatchFunction.NAME_ANYURI_REGEXP_MATCH, AnyURIAttribute.identifier,
            MatchFunction.NAME_IPADDRESS_REGEXP_MATCH, IPAddressAttribute.identifier,
            MatchFunction.NAME_DNSNAME_REGEXP_MATCH, DNSNameAttribute.identifier);

    static final long MAX_READS = 1_000_000;

    RegexpMatch(String id) {
        super(id, 0, new String[] {StringAttribute.identifier, VALUE_TYPES.get(id)}, new boolean[] {false, false},
                BooleanAttribute.identifier, false);
    }

    @Override
    public EvaluationResult evaluate(List<Evaluatable> inputs, EvaluationCtx context) {
        AttributeValue[] arguments = new AttributeValue[inputs.size()];
        EvaluationResult indeterminate = evalArgs(inputs, context, arguments);
        if (indeterminate != null) {
            return indeterminate;
        }
        Pattern pattern = compile(((StringAttribute) arguments[0]).getValue());
        return EvaluationResult.getInstance(pattern.matcher(new BoundedText(arguments[1].encode())).matches());
    }

    /**
     * Balana's reading of an XACML pattern as a {@link Pattern}: {@code .*} around it unless anchored by a leading
     * {@code ^} or trailing {@code $}, Unicode blocks as {@code \p{In…}}, and class subtraction {@code -[…]} as
     * {@code &&[^…]}. Throws {@link PatternSyntaxException} if the result does not compile or the pattern is empty.
     */
    static Pattern compile(String xacmlPattern) {
        if (xacmlPattern.isEmpty()) {
            throw new PatternSyntaxException("the pattern is empty", xacmlPattern, 0);
        }
        String java = (xacmlPattern.charAt(0) == '^' ? "" : ".*") + xacmlPattern
                + (xacmlPattern.charAt(xacmlPattern.length() - 1) == '$' ? "" : ".*");
        return Pattern.compile(java.replace("\\p{Is", "\\p{In").replace("\\P{Is", "\\P{In").replace("-[", "&&[^"));
    }

    /** A match read its text more than {@value #MAX_READS} times. */
    static final class TooCostlyException extends RuntimeException {
        TooCostlyException() {
            super("a regular expression read its text more than " + MAX_READS + " times");
        }
    }

    /** The text being matched, counting the characters the matcher reads. */
    private static final class BoundedText implements CharSequence {
        private final String text;
        private long readsLeft = MAX_READS;

        BoundedText(String text) {
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (--readsLeft < 0) {
                throw new TooCostlyException();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}

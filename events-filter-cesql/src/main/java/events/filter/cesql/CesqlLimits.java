package events.filter.cesql;

import events.domain.InvalidFilterException;
import io.cloudevents.sql.generated.CESQLParserLexer;
import org.antlr.v4.runtime.Token;

/**
 * How large a CESQL expression may be: characters, brackets nested in each other, and operators.
 *
 * <p>The parser, the translation to the library's tree and its evaluation recurse for each level of the tree, and
 * every level is a bracket or an operator, so these bounds bound the stack they need: the expression is checked
 * with the library's own lexer, in a loop, before anything recursive sees it. Every token that is not a bracket,
 * a comma, a literal or a name counts as an operator ({@code NOT LIKE} counts twice).
 */
record CesqlLimits(int maxLength, int maxDepth, int maxOperators) {

    CesqlLimits {
        if (maxLength < 1 || maxDepth < 1 || maxOperators < 1) {
            throw new IllegalArgumentException("limits must be at least 1: length " + maxLength + ", depth "
                    + maxDepth + ", operators " + maxOperators);
        }
    }

    /** Throws {@link InvalidFilterException} naming the first limit that {@code expression} exceeds. */
    void check(String expression) {
        if (expression.length() > maxLength) {
            throw invalid("longer than " + maxLength + " characters (limit " + maxLength + ")");
        }
        CESQLParserLexer lexer = CesqlParser.lexer(expression);
        int depth = 0;
        int operators = 0;
        for (Token token = lexer.nextToken(); token.getType() != Token.EOF; token = lexer.nextToken()) {
            switch (token.getType()) {
                case CESQLParserLexer.LR_BRACKET -> {
                    if (++depth > maxDepth) {
                        throw invalid("brackets nested deeper than " + maxDepth + " levels (limit " + maxDepth + ")");
                    }
                }
                // a bracket without its opening one is a parse error; it must not hide the brackets after it
                case CESQLParserLexer.RR_BRACKET -> depth = Math.max(0, depth - 1);
                case CESQLParserLexer.COMMA, CESQLParserLexer.TRUE, CESQLParserLexer.FALSE,
                        CESQLParserLexer.INTEGER_LITERAL, CESQLParserLexer.SQUOTED_STRING_LITERAL,
                        CESQLParserLexer.DQUOTED_STRING_LITERAL, CESQLParserLexer.IDENTIFIER,
                        CESQLParserLexer.IDENTIFIER_WITH_NUMBER, CESQLParserLexer.FUNCTION_IDENTIFIER_WITH_UNDERSCORE -> {
                }
                default -> {
                    if (++operators > maxOperators) {
                        throw invalid("more than " + maxOperators + " operators (limit " + maxOperators + ")");
                    }
                }
            }
        }
    }

    private static InvalidFilterException invalid(String what) {
        return new InvalidFilterException("Invalid CESQL expression: " + what);
    }
}

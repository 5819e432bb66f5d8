package events.filter.cesql;

import events.domain.InvalidFilterException;
import io.cloudevents.sql.EvaluationException;
import io.cloudevents.sql.ExceptionFactory;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.ParseException;
import io.cloudevents.sql.Parser;
import io.cloudevents.sql.generated.CESQLParserLexer;
import io.cloudevents.sql.generated.CESQLParserParser;
import io.cloudevents.sql.generated.CESQLParserParser.LikeExpressionContext;
import io.cloudevents.sql.generated.CESQLParserParser.StringLiteralContext;
import io.cloudevents.sql.impl.ExpressionInternal;
import io.cloudevents.sql.impl.expressions.NotExpression;
import io.cloudevents.sql.impl.parser.CaseChangingCharStream;
import io.cloudevents.sql.impl.parser.ConstantFoldingExpressionVisitor;
import io.cloudevents.sql.impl.parser.ExpressionTranslatorVisitor;
import io.cloudevents.sql.impl.parser.LiteralUtils;
import io.cloudevents.sql.impl.runtime.ExpressionImpl;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;

/**
 * The parser of {@code io.cloudevents:cloudevents-sql} 4.0.1 ({@code ParserImpl} with constant folding, step by
 * step), except that {@code LIKE} becomes a {@link LinearLikeExpression}. Stateless and thread-safe.
 */
final class CesqlParser implements Parser {

    @Override
    public Expression parse(String expression) {
        CESQLParserParser parser = new CESQLParserParser(new CommonTokenStream(lexer(expression)));
        List<ParseException> errors = new ArrayList<>();
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int position,
                    String message, RecognitionException e) {
                errors.add(ExceptionFactory.recognitionError(e, message));
            }
        });
        CESQLParserParser.CesqlContext tree = parser.cesql();
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        ExpressionInternal internal = new Translator().visit(tree);
        try {
            internal = internal.visit(new ConstantFoldingExpressionVisitor());
        } catch (EvaluationException e) {
            throw ExceptionFactory.cannotEvaluateConstantExpression(e);
        }
        return new ExpressionImpl(internal);
    }

    /**
     * The library's lexer (keywords in any case), without its console error listener: characters that start no
     * token are skipped, as in the library, but not printed to standard error.
     */
    static CESQLParserLexer lexer(String expression) {
        CESQLParserLexer lexer = new CESQLParserLexer(new CaseChangingCharStream(CharStreams.fromString(expression), true));
        lexer.removeErrorListeners();
        return lexer;
    }

    /** The library's translation from parse tree to expression, but for {@code LIKE}. */
    private static final class Translator extends ExpressionTranslatorVisitor {

        @Override
        public ExpressionInternal visitLikeExpression(LikeExpressionContext like) {
            LikePattern pattern;
            try {
                pattern = LikePattern.of(text(like.stringLiteral()));
            } catch (IllegalArgumentException e) {
                throw new InvalidFilterException("Invalid CESQL expression: " + e.getMessage(), e);
            }
            ExpressionInternal matches = new LinearLikeExpression(like.getSourceInterval(), like.getText(),
                    visit(like.expression()), pattern);
            return like.NOT() == null ? matches : new NotExpression(like.getSourceInterval(), like.getText(), matches);
        }

        private static String text(StringLiteralContext literal) {
            return literal.DQUOTED_STRING_LITERAL() != null
                    ? LiteralUtils.parseDQuotedStringLiteral(literal.DQUOTED_STRING_LITERAL())
                    : LiteralUtils.parseSQuotedStringLiteral(literal.SQUOTED_STRING_LITERAL());
        }
    }
}

package events.filter.cesql;

import events.domain.InvalidFilterException;
import events.ports.FilterExpressions;
import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.ParseException;
import io.cloudevents.sql.Parser;

/**
 * CESQL v1 filter expressions, parsed and evaluated by {@code io.cloudevents:cloudevents-sql}.
 *
 * <p>{@link #compile} parses once; the compiled filter evaluates in fail-fast mode (the first evaluation error
 * ends the evaluation) and matches only a boolean {@code TRUE} reached without any error. The library passes
 * 274 of the 275 CESQL TCK cases in this mode; the one it does not ({@code NOT 10}) follows the spec's casting
 * rules (see {@code CesqlTckTest}). Stateless and thread-safe.
 */
public final class CesqlFilterExpressions implements FilterExpressions {
    /** The parser and runtime every compiled filter uses; the TCK test runs with exactly these. */
    static final Parser PARSER = Parser.getDefault();
    static final EvaluationRuntime RUNTIME = EvaluationRuntime.getDefault();

    @Override
    public CompiledFilter compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidFilterException("Invalid CESQL expression: it is empty");
        }
        Expression parsed;
        try {
            parsed = PARSER.parse(expression);
        } catch (ParseException e) {
            // Such as: [RECOGNITION at 7:6 `<EOF>`] Cannot parse: mismatched input '<EOF>' expecting {...}
            throw new InvalidFilterException("Invalid CESQL expression: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // cloudevents-sql 4.0.1 fails with a NullPointerException when ANTLR reports extraneous or missing
            // input (its error listener then gets no RecognitionException); ANTLR's message and position are lost.
            throw new InvalidFilterException("Invalid CESQL expression: Cannot parse `" + expression + "`: extraneous"
                    + " or missing input (one cause is an operator without spaces: write `5 - 3`, not `5-3`)", e);
        }
        return new CesqlFilter(expression, parsed, RUNTIME);
    }

    @Override
    public String toString() {
        return "CesqlFilterExpressions";
    }
}

package events.filter.cesql;

import io.cloudevents.CloudEvent;
import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.ExceptionFactory;
import io.cloudevents.sql.impl.ExpressionInternal;
import io.cloudevents.sql.impl.ExpressionInternalVisitor;
import io.cloudevents.sql.impl.expressions.BaseExpression;
import io.cloudevents.sql.impl.runtime.EvaluationResult;
import org.antlr.v4.runtime.misc.Interval;

/**
 * {@code operand LIKE pattern} matched by a {@link LikePattern}: the library's {@code LikeExpression}, which
 * casts the operand to a string the same way, uses a backtracking regex instead.
 */
final class LinearLikeExpression extends BaseExpression {
    private final ExpressionInternal operand;
    private final LikePattern pattern;

    LinearLikeExpression(Interval interval, String text, ExpressionInternal operand, LikePattern pattern) {
        super(interval, text);
        this.operand = operand;
        this.pattern = pattern;
    }

    @Override
    public EvaluationResult evaluate(EvaluationRuntime runtime, CloudEvent event, ExceptionFactory exceptions) {
        EvaluationResult value = castToString(exceptions, operand.evaluate(runtime, event, exceptions));
        return value.copyWithValue(pattern.matches((String) value.value()));
    }

    /** A leaf for visitors, like the library's {@code LikeExpression}: constant folding leaves it as it is. */
    @Override
    public <T> T visit(ExpressionInternalVisitor<T> visitor) {
        return visitor.visitExpressionInternal(this);
    }
}

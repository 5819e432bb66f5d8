package events.filter.cesql;

import events.domain.CloudEvent;
import events.ports.FilterExpressions.CompiledFilter;
import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.Expression;
import java.util.Objects;

/** One parsed CESQL expression. The library's parsed expressions are immutable, so one instance serves all threads. */
final class CesqlFilter implements CompiledFilter {
    private final String expression;
    private final Expression parsed;
    private final EvaluationRuntime runtime;

    CesqlFilter(String expression, Expression parsed, EvaluationRuntime runtime) {
        this.expression = expression;
        this.parsed = parsed;
        this.runtime = runtime;
    }

    @Override
    public boolean matches(CloudEvent event) {
        io.cloudevents.CloudEvent sdkEvent = SdkEvents.of(Objects.requireNonNull(event, "event"));
        try {
            // Fail-fast: tryEvaluate throws the first EvaluationException instead of returning a default value.
            return Boolean.TRUE.equals(parsed.tryEvaluate(runtime, sdkEvent));
        } catch (RuntimeException | StackOverflowError evaluationFailed) {
            // EvaluationException (missing attribute, cast, math, function) or a library bug: never a match.
            // A stack overflow needs an expression beyond the default limits or a thread with a small stack.
            return false;
        }
    }

    @Override
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return "CesqlFilter[" + expression + "]";
    }
}

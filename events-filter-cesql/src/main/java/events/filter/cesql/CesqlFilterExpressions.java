package events.filter.cesql;

import events.domain.InvalidFilterException;
import events.domain.SubscriptionFilter;
import events.ports.FilterExpressions;
import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.Expression;
import io.cloudevents.sql.ParseException;
import io.cloudevents.sql.Parser;

/**
 * CESQL v1 filter expressions, parsed and evaluated by {@code io.cloudevents:cloudevents-sql}, except for
 * {@code LIKE}, which is matched in time proportional to value length × pattern length at worst (the library's
 * regex can take exponential time).
 *
 * <p>{@link #compile} refuses an expression longer than {@code maxLength} characters, with brackets nested deeper
 * than {@code maxDepth} or with more than {@code maxOperators} operators, before parsing it: within these limits
 * parsing and evaluation fit on a default thread stack with room to spare. Then it parses once; the compiled
 * filter evaluates in fail-fast mode (the first evaluation error ends the evaluation) and matches only a boolean
 * {@code TRUE} reached without any error. The library passes 274 of the 275 CESQL TCK cases in this mode; the one
 * it does not ({@code NOT 10}) follows the spec's casting rules (see {@code CesqlTckTest}). Immutable and
 * thread-safe.
 */
public final class CesqlFilterExpressions implements FilterExpressions {
    /** The default {@code maxLength}: the longest {@code sql} filter a subscription request may hold. */
    public static final int DEFAULT_MAX_LENGTH = SubscriptionFilter.MAX_SQL_LENGTH;
    /** The default {@code maxDepth}. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** The default {@code maxOperators}. */
    public static final int DEFAULT_MAX_OPERATORS = 256;

    /** The parser and runtime every compiled filter uses; the TCK test runs with exactly these. */
    static final Parser PARSER = new CesqlParser();
    static final EvaluationRuntime RUNTIME = EvaluationRuntime.getDefault();

    private final CesqlLimits limits;

    /** With the default limits. */
    public CesqlFilterExpressions() {
        this(builder());
    }

    private CesqlFilterExpressions(Builder builder) {
        this.limits = new CesqlLimits(builder.maxLength, builder.maxDepth, builder.maxOperators);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset with these limits, to derive a variant. */
    public Builder newBuilder() {
        return builder().maxLength(maxLength()).maxDepth(maxDepth()).maxOperators(maxOperators());
    }

    /** The longest expression accepted, in characters. */
    public int maxLength() {
        return limits.maxLength();
    }

    /** How deep brackets (sub-expressions, function arguments, {@code IN} sets) may be nested. */
    public int maxDepth() {
        return limits.maxDepth();
    }

    /** How many operators an expression may hold: {@code NOT}, {@code AND}, {@code LIKE}, {@code =}, {@code -}, ... */
    public int maxOperators() {
        return limits.maxOperators();
    }

    @Override
    public CompiledFilter compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidFilterException("Invalid CESQL expression: it is empty");
        }
        limits.check(expression);
        Expression parsed;
        try {
            parsed = PARSER.parse(expression);
        } catch (InvalidFilterException e) {
            throw e; // a limit of ours, already said
        } catch (ParseException e) {
            // Such as: [RECOGNITION at 7:6 `<EOF>`] Cannot parse: mismatched input '<EOF>' expecting {...}
            throw new InvalidFilterException("Invalid CESQL expression: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // cloudevents-sql 4.0.1 fails with a NullPointerException when ANTLR reports extraneous or missing
            // input (its error listener then gets no RecognitionException); ANTLR's message and position are lost.
            throw new InvalidFilterException("Invalid CESQL expression: Cannot parse `" + expression + "`: extraneous"
                    + " or missing input (one cause is an operator without spaces: write `5 - 3`, not `5-3`)", e);
        } catch (StackOverflowError e) {
            // Not seen within the default limits on a default stack; possible with larger limits or a smaller one.
            throw new InvalidFilterException("Invalid CESQL expression: nested too deeply to parse", e);
        }
        return new CesqlFilter(expression, parsed, RUNTIME);
    }

    @Override
    public String toString() {
        return "CesqlFilterExpressions[maxLength=" + maxLength() + ", maxDepth=" + maxDepth() + ", maxOperators="
                + maxOperators() + "]";
    }

    /** Limits for {@link CesqlFilterExpressions}; each at least 1. */
    public static final class Builder {
        private int maxLength = DEFAULT_MAX_LENGTH;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxOperators = DEFAULT_MAX_OPERATORS;

        private Builder() {
        }

        /** The longest expression accepted, in characters. */
        public Builder maxLength(int characters) {
            this.maxLength = characters;
            return this;
        }

        /** How deep brackets may be nested. */
        public Builder maxDepth(int levels) {
            this.maxDepth = levels;
            return this;
        }

        /** How many operators an expression may hold. */
        public Builder maxOperators(int operators) {
            this.maxOperators = operators;
            return this;
        }

        /** @throws IllegalArgumentException when a limit is less than 1 */
        public CesqlFilterExpressions build() {
            return new CesqlFilterExpressions(this);
        }
    }
}

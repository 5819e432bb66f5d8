package events.filter.cesql;

import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.CloudEvent;
import events.domain.InvalidFilterException;
import io.cloudevents.sql.impl.ExpressionInternal;
import io.cloudevents.sql.impl.expressions.NotExpression;
import io.cloudevents.sql.impl.runtime.ExpressionImpl;
import org.junit.jupiter.api.Test;

class CesqlLimitsTest {
    private final CesqlFilterExpressions cesql = new CesqlFilterExpressions();
    private final CloudEvent event = anEvent().type("x").extension("attempt", 3).build();

    @Test
    void defaultsAreTheDomainsLengthSixtyFourBracketsAnd256Operators() {
        assertThat(cesql.maxLength()).isEqualTo(4096);
        assertThat(cesql.maxDepth()).isEqualTo(64);
        assertThat(cesql.maxOperators()).isEqualTo(256);
    }

    @Test
    void expressionsAtEveryLimitCompileAndEvaluateOnAnOrdinaryStack() {
        // Not constant, so that evaluation, not constant folding, walks all the levels.
        String deepFunctions = "ABS(".repeat(64) + "- ".repeat(255) + "attempt" + ")".repeat(64) + " = 3";
        String deepSets = "TRUE IN (".repeat(63) + "NOT ".repeat(192) + "(type = 'x')" + ")".repeat(63);
        String longChain = "(".repeat(64) + "type = 'a' OR ".repeat(127) + "type = 'x'" + ")".repeat(64);
        String longest = "type = '" + "x".repeat(4096 - 9) + "'";

        assertThat(cesql.compile(deepFunctions).matches(event)).isTrue();
        assertThat(cesql.compile(deepSets).matches(event)).isTrue();
        assertThat(cesql.compile(longChain).matches(event)).isTrue();
        assertThat(longest).hasSize(4096);
        assertThat(cesql.compile(longest).matches(event)).isFalse();
    }

    @Test
    void oneMoreThanALimitIsRefusedNamingIt() {
        assertThatThrownBy(() -> cesql.compile("ABS(".repeat(65) + "1" + ")".repeat(65) + " = 1"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessage("Invalid CESQL expression: brackets nested deeper than 64 levels (limit 64)");
        assertThatThrownBy(() -> cesql.compile("NOT ".repeat(256) + "(type = 'x')"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessage("Invalid CESQL expression: more than 256 operators (limit 256)");
        assertThatThrownBy(() -> cesql.compile("type = '" + "x".repeat(4096 - 8) + "'"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessage("Invalid CESQL expression: longer than 4096 characters (limit 4096)");
    }

    @Test
    void nestingThatOverflowedTheStackIsRefused() {
        // cloudevents-sql 4.0.1 throws StackOverflowError for the first two on a 1 MB stack.
        assertThatThrownBy(() -> cesql.compile("ABS(".repeat(800) + "1" + ")".repeat(800)))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("(limit 64)");
        assertThatThrownBy(() -> cesql.compile("-".repeat(4_000) + "1"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("(limit 256)");
        // the longest chain 4 096 characters hold; the library parses it on a 1 MB stack with about 80 levels to spare
        assertThatThrownBy(() -> cesql.compile("1*".repeat(2_047) + "1"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("(limit 256)");
    }

    @Test
    void stringLiteralsAreNotCounted() {
        String brackets = "(((( NOT - AND )))".repeat(20);

        assertThat(cesql.compile("type = '" + brackets + "'").matches(anEvent().type(brackets).build())).isTrue();
        assertThat(cesql.compile("type = \"\\\"" + brackets + "\"").matches(anEvent().type("\"" + brackets).build()))
                .as("an escaped quote does not end the literal").isTrue();
        assertThat(cesql.compile("type = 'it''s " + brackets + "'").matches(anEvent().build()))
                .as("nor does a doubled one").isFalse();
    }

    @Test
    void whatTheParserSeesIsCountedThoughItIsNoValidExpression() {
        // an unterminated quote is a token of its own; what follows it is not a string
        assertThatThrownBy(() -> cesql.compile("type = '" + "(".repeat(65)))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("(limit 64)");
        // closing brackets do not hide the opening ones after them
        assertThatThrownBy(() -> cesql.compile(")".repeat(100) + "(".repeat(65) + "1"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("(limit 64)");
        // the lexer skips characters that start no token: `_NOT` is NOT
        assertThatThrownBy(() -> cesql.compile("_NOT ".repeat(257) + "TRUE"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("(limit 256)");
    }

    @Test
    void limitsAreConfigurable() {
        CesqlFilterExpressions tight = CesqlFilterExpressions.builder().maxLength(20).maxDepth(2).maxOperators(2).build();

        assertThat(tight.compile("((attempt)) = 3").matches(event)).isTrue();
        assertThatThrownBy(() -> tight.compile("(((attempt))) = 3")).hasMessageContaining("(limit 2)");
        assertThatThrownBy(() -> tight.compile("- - attempt = -3")).hasMessageContaining("(limit 2)");
        assertThatThrownBy(() -> tight.compile("type = '" + "x".repeat(12) + "'")).hasMessageContaining("(limit 20)");
        assertThat(tight.newBuilder().maxDepth(3).build())
                .hasToString("CesqlFilterExpressions[maxLength=20, maxDepth=3, maxOperators=2]");
        assertThatThrownBy(() -> CesqlFilterExpressions.builder().maxOperators(0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStackOverflowWhileParsingIsAnInvalidFilter() {
        CesqlFilterExpressions unlimited = CesqlFilterExpressions.builder()
                .maxLength(Integer.MAX_VALUE).maxDepth(Integer.MAX_VALUE).maxOperators(Integer.MAX_VALUE).build();

        assertThatThrownBy(() -> unlimited.compile("ABS(".repeat(20_000) + "1" + ")".repeat(20_000)))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessage("Invalid CESQL expression: nested too deeply to parse");
    }

    @Test
    void aStackOverflowWhileEvaluatingIsNoMatch() throws InterruptedException {
        // Built by hand: parsing takes time cubic in the nesting (17 s for 5 000 NOTs).
        ExpressionInternal tree = ((ExpressionImpl) CesqlFilterExpressions.PARSER.parse("type = 'x'")).getExpressionInternal();
        for (int i = 0; i < 100_000; i++) {
            tree = new NotExpression(tree.expressionInterval(), "NOT", tree);
        }
        CesqlFilter deep = new CesqlFilter("NOT NOT ... type = 'x'", new ExpressionImpl(tree), CesqlFilterExpressions.RUNTIME);
        boolean[] matches = new boolean[2];

        onThreadWithStack(256 << 20, () -> matches[0] = deep.matches(event));
        onThreadWithStack(256 << 10, () -> matches[1] = deep.matches(event));

        assertThat(matches[0]).as("with a stack large enough").isTrue();
        assertThat(matches[1]).as("with a small stack").isFalse();
    }

    private static void onThreadWithStack(long bytes, Runnable task) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(null, () -> {
            try {
                task.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "stack-" + bytes, bytes);
        thread.start();
        thread.join();
        assertThat(failure[0]).isNull();
    }
}

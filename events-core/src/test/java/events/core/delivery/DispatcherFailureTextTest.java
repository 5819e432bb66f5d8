package events.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.UnableToAccessSubscriptionsException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DispatcherFailureTextTest {

    @Test
    void aDispatchFailureIsLoggedWithEveryCauseOnOneLine() {
        SQLException lock = new SQLException("Timeout trying to lock table", "HYT00");
        RuntimeException failure = new UnableToAccessSubscriptionsException("unable to queue 43 deliveries",
                new IllegalStateException("batch failed", lock));

        assertThat(Dispatcher.withCauses(failure)).isEqualTo(
                "events.domain.UnableToAccessSubscriptionsException: unable to queue 43 deliveries"
                        + " <- java.lang.IllegalStateException: batch failed"
                        + " <- java.sql.SQLException: Timeout trying to lock table");
    }

    @Test
    void aCauseThatLoopsIsNamedOnce() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);

        assertThat(Dispatcher.withCauses(a)).isEqualTo(
                "java.lang.IllegalStateException: a <- java.lang.IllegalStateException: b");
    }
}

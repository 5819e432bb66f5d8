package events.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.InvalidInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathEncodingTest {

    @ParameterizedTest
    @ValueSource(strings = {"/events/api/v1/policies/urn:altinn:resource:a%2Fb", "/x%41", "/x%e6%C3%a6", "/plain", "/"})
    void acceptsWellFormedPercentEncodings(String path) {
        assertThatCode(() -> PathEncoding.check(path)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/x;%zz", "/x;%", "/x;%4", "/x;%4g", "/x%", "/%%41", "/a;b=%e/deliveries"})
    void refusesAPercentWithoutTwoHexDigitsNamingThePath(String path) {
        assertThatThrownBy(() -> PathEncoding.check(path))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.violations()).singleElement()
                                .satisfies(v -> org.assertj.core.api.Assertions.assertThat(v.attribute()).isEqualTo("path")));
    }
}

package events.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MediaTypeTest {

    @Test
    void readsTheEssenceInLowerCaseAndTheCharsetWithoutQuotes() {
        assertThat(MediaType.parse("Application/JSON; Charset=\"UTF-8\"; q=1"))
                .isEqualTo(new MediaType("application/json", "UTF-8"));
        assertThat(MediaType.parse("application/xml")).isEqualTo(new MediaType("application/xml", null));
    }

    @Test
    void aBlankOrMissingHeaderIsNoMediaType() {
        assertThat(MediaType.parse(null)).isNull();
        assertThat(MediaType.parse(" ")).isNull();
    }

    /** These used to throw ArrayIndexOutOfBoundsException (a 500): String.split drops trailing empty strings. */
    @ParameterizedTest
    @ValueSource(strings = {";", ";;;", " ; ", ";charset=utf-8"})
    void aHeaderWithoutAnEssenceHasAnEmptyOne(String header) {
        MediaType type = MediaType.parse(header);

        assertThat(type.essence()).isEmpty();
        assertThat(type.isJson()).isFalse();
        assertThat(type.isCloudEvents()).isFalse();
    }
}

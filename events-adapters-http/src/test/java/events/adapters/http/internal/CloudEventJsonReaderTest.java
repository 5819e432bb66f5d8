package events.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.InvalidEventException;
import events.domain.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CloudEventJsonReaderTest {
    private static final String ATTRS =
            "\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"urn:x\",\"type\":\"t\",\"resource\":\"urn:altinn:resource:r\"";

    private static CloudEvent read(String json) {
        return CloudEventJsonReader.readEvent(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\" : [1, 2.50, {\"b\":\"\\u00e6\"}] }", "\"tekst \\\" med \\u00e6 og æ\"", "12345678901234567890123",
            "-1.50e+10", "0", "true", "false", "[]", "{}", "\"\"", "1E400"})
    void keepsTheExactTextOfDataWhereverItStands(String data) {
        for (String json : List.of(
                "{" + ATTRS + ",\"data\":" + data + "}",
                "{" + ATTRS + ",\"data\" :  " + data + "  }",
                "{\"data\":" + data + "," + ATTRS + "}",
                "\uFEFF{\"data\":" + data + "\n," + ATTRS + "}",
                "{" + ATTRS + ",\"data\":" + data + "\r\n}")) {
            assertThat(read(json).data()).as(json).isEqualTo(new EventData.Json(data));
        }
    }

    @Test
    void treatsJsonNullAsAbsent() {
        CloudEvent event = read("{" + ATTRS + ",\"subject\":null,\"data\":null,\"ext\":null}");
        assertThat(event.subject()).isNull();
        assertThat(event.data()).isNull();
        assertThat(event.extensions()).doesNotContainKey("ext");
    }

    @Test
    void keepsExtensionTypes() {
        CloudEvent event = read("{" + ATTRS + ",\"s\":\"x\",\"i\":-2147483648,\"b\":true}");
        assertThat(event.extensions()).containsEntry("s", "x").containsEntry("i", Integer.MIN_VALUE)
                .containsEntry("b", true);
    }

    @Test
    void namesEveryViolationOfABatchByIndex() {
        byte[] batch = ("[{" + ATTRS + "},{\"specversion\":\"1.0\"},7]").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventJsonReader.readBatch(batch, 10_000))
                .isInstanceOf(InvalidEventException.class)
                .extracting(e -> ((InvalidEventException) e).violations().stream().map(Violation::attribute).toList())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("[1].id", "[1].source", "[1].type", "[1].resource", "[2]");
    }

    @Test
    void rejectsUtf16Json() {
        byte[] utf16 = ("{" + ATTRS + "}").getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> CloudEventJsonReader.readEvent(utf16)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void percentDecodesHeaderValuesAsUtf8() {
        assertThat(BinaryModeReader.percentDecode("%C3%A6%20a+b%25")).isEqualTo("æ a+b%");
        assertThat(BinaryModeReader.percentDecode("plain")).isEqualTo("plain");
        assertThatThrownBy(() -> BinaryModeReader.percentDecode("%C3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinaryModeReader.percentDecode("%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinaryModeReader.percentDecode("ab%4")).isInstanceOf(IllegalArgumentException.class);
    }
}

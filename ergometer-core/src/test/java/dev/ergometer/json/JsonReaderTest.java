package dev.ergometer.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsNestedObjectsArraysAndScalars() {
        Map<String, Object> value = JsonReader.object(
                " {\"Id\":\"abc\",\"Names\":[\"/web\"],\"n\":-12,\"x\":1.5e3,\"ok\":true,\"no\":false,\"z\":null,"
                        + "\"s\":\"a\\\"b\\\\c\\u00e9\\n\"} ");
        assertThat(value).containsEntry("Id", "abc").containsEntry("Names", List.of("/web"))
                .containsEntry("n", -12L).containsEntry("x", 1500.0).containsEntry("ok", true)
                .containsEntry("no", false).containsEntry("z", null).containsEntry("s", "a\"b\\c\u00e9\n");
        assertThat(value.keySet()).containsExactly("Id", "Names", "n", "x", "ok", "no", "z", "s");
    }

    @Test
    void readsWhatJsonWriterWrites() {
        String written = new JsonWriter().beginObject().name("a").value(0.1).name("b").beginArray().value("x")
                .value(3).endArray().name("c").beginObject().endObject().endObject().toString();
        assertThat(JsonReader.object(written)).containsEntry("a", 0.1).containsEntry("b", List.of("x", 3L))
                .containsEntry("c", Map.of());
    }

    @Test
    void malformedInputNamesTheOffsetAndWhatWasExpected() {
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1,}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 7").hasMessageContaining("member name");
        assertThatThrownBy(() -> JsonReader.parse("[1 2]")).hasMessageContaining("',' or ']'");
        assertThatThrownBy(() -> JsonReader.parse("\"open")).hasMessageContaining("closing quote");
        assertThatThrownBy(() -> JsonReader.parse("{} x")).hasMessageContaining("end of input");
        assertThatThrownBy(() -> JsonReader.parse("1.2.3")).hasMessageContaining("a number");
        assertThatThrownBy(() -> JsonReader.object("[]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> JsonReader.parse("[".repeat(100))).hasMessageContaining("nested levels");
    }
}

package dev.ergometer.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void nestedObjectsAndArraysArePrettyPrinted() {
        String json = new JsonWriter().beginObject()
                .name("a").value(1)
                .name("b").beginArray().value("x").value(true).nullValue().endArray()
                .name("c").beginObject().endObject()
                .endObject().toString();
        assertThat(json).isEqualTo("{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    true,\n    null\n  ],\n  \"c\": {}\n}");
    }

    @Test
    void numbersAreWrittenWithoutExponentsAndNonFiniteAsNull() {
        String json = new JsonWriter(false).beginArray()
                .value(1_700_000_001.5).value(0.000_000_1).value(2.0).value(Double.NaN).value(-3.25)
                .endArray().toString();
        assertThat(json).isEqualTo("[1700000001.5,0.0000001,2,null,-3.25]");
    }

    @Test
    void stringsAreEscaped() {
        String json = new JsonWriter(false).value("a\"b\\c\nd\u0001").toString();
        assertThat(json).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}

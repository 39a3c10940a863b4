package dev.kiln.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void nonFiniteNumbersAreWrittenAsNullAtAnyDepthAndTheResultParses() {
        JsonObject o = new JsonObject();
        o.addProperty("mutual_information", Double.NaN);
        o.addProperty("loss", 0.25);
        JsonArray a = new JsonArray();
        a.add(Double.POSITIVE_INFINITY);
        a.add(1);
        JsonObject inner = new JsonObject();
        inner.addProperty("x", Double.NEGATIVE_INFINITY);
        a.add(inner);
        o.add("per_class_acc", a);
        String line = Json.line(o);
        assertEquals("{\"mutual_information\":null,\"loss\":0.25,\"per_class_acc\":[null,1,{\"x\":null}]}", line);
        JsonParser.parseString(line);                                    // strict enough: no bare NaN
        assertTrue(Json.pretty(o).contains("\"mutual_information\": null"));
        assertTrue(o.get("mutual_information").getAsDouble() != o.get("mutual_information").getAsDouble(),
                "the input tree is left as it was");
    }

    @Test
    void aTreeWithoutNonFiniteNumbersIsNotCopiedAndArraysBecomeTrees() {
        JsonObject o = new JsonObject();
        o.addProperty("a", 1.5);
        assertSame(o, Json.finite(o));
        assertEquals("[null,2.0]", Json.line(Json.tree(new double[] {Double.NaN, 2})));
    }

    @Test
    void stringsAreNotHtmlEscaped() {
        JsonObject o = new JsonObject();
        o.addProperty("free_bits", "per_dim λ=0.1 <nats> & 'more'");
        String line = Json.line(o);
        assertTrue(line.contains("λ=0.1 <nats> & 'more'"), line);
        assertFalse(line.contains("\\u003d"), line);
    }
}

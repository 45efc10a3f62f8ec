package io.bpfring.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {
    @Test
    void stringsAreQuotedAndEscaped() {
        assertEquals("\"/bin/sh\"", Json.string("/bin/sh"));
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001\"", Json.string("a\"b\\c\nd\te\u0001"));
        assertEquals("\"ünïcode\"", Json.string("ünïcode"));
    }
}

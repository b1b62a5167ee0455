package io.h2relay.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void everyRfc9113CodeMapsToItsName() {
        for (int code = 0; code <= 0xd; code++) {
            assertEquals(code, ErrorCode.of(code).code());
        }
        assertEquals(ErrorCode.HTTP_1_1_REQUIRED, ErrorCode.of(0xd));
        assertEquals("FRAME_SIZE_ERROR", ErrorCode.nameOf(6));
    }

    @Test
    void unknownCodesHaveNoEnumButKeepAReadableName() {
        assertNull(ErrorCode.of(0xe));
        assertNull(ErrorCode.of(-1));
        assertEquals("0xe", ErrorCode.nameOf(0xe));
        assertEquals("0xdeadbeef", ErrorCode.nameOf(0xdeadbeef));
    }
}

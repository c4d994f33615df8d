package dev.storesync.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PoNumbersTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "164-1|164-1",
            "po 164-1|164-1",
            "PO164-1|164-1",
            "PO#164-1|164-1",
            "PO-164-1|164-1",
            "PO: 164-1|164-1",
            "#164-1|164-1",
            "  164 - 1  |164-1",
            "164_1|164-1",
            "164/1|164-1",
            "164.1|164-1",
            "164–1|164-1",
            "ＰＯ１６４－１|164-1",
            "po 164--1|164-1",
            "-164-1-|164-1",
            "POLO-1|POLO-1",
            "abc-2|ABC-2",
    })
    void normalisesTheFormsPeopleAndCarriersType(String raw, String expected) {
        assertEquals(Optional.of(expected), PoNumbers.normalize(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "#", "PO ", "po#", "--" })
    void nothingLeftIsNoPoNumber(String raw) {
        assertEquals(Optional.empty(), PoNumbers.normalize(raw));
    }
}

import Clinical
import Testing

/// Free text refuses control characters (C0 but tab, line feed and carriage return; DEL; C1)
/// and nothing else, byte-checked first: a lead byte 0xC2 is shared by C1 controls and by
/// printable characters such as "¢" and a no-break space, which must pass.
@Suite struct TextRulesTests {
    @Test func controlsAreFoundAndOtherCharactersPass() {
        for text in ["plain", "tab\tline\nreturn\r", "¢ £ é ñ — 漢字 🧠", "no\u{A0}break", "\u{BF}\u{C0}", ""] {
            #expect(TextRules.forbiddenInFreeText(text) == nil, "\(text.unicodeScalars.map(\.value))")
        }
        for (text, scalar) in [
            ("a\u{0}b", 0x00), ("\u{1B}[31m", 0x1B), ("x\u{7F}", 0x7F), ("next\u{85}line", 0x85), ("¢\u{9B}", 0x9B), ("\u{80}", 0x80),
            ("\u{9F}", 0x9F),
        ] {
            #expect(TextRules.forbiddenInFreeText(text)?.value == UInt32(scalar), "\(text.unicodeScalars.map(\.value))")
        }
    }

    @Test func aBodyNamesTheFirstFieldWithAControl() throws {
        let clean = try JSONParser.parse(Array(#"{"b": ["¢", {"c": "x\ty"}], "a": "é"}"#.utf8))
        #expect(clean.firstForbiddenText() == nil)
        let dirty = try JSONParser.parse(Array(#"{"b": ["ok", {"c": "x\u0085y"}], "a": "\u001b", "z": {"k\u0000": 1}}"#.utf8))
        #expect(dirty.firstForbiddenText()?.field == "a")
        let nested = try JSONParser.parse(Array(#"{"b": ["ok", {"c": "x\u0085y"}], "z": {"k\u0000": 1}}"#.utf8))
        #expect(nested.firstForbiddenText()?.field == "b.1.c" && nested.firstForbiddenText()?.scalar.value == 0x85)
        let name = try JSONParser.parse(Array(#"{"z": {"k\u0000": 1}}"#.utf8))
        #expect(name.firstForbiddenText()?.field == "z")
    }
}

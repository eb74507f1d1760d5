import Clinical
import Foundation
import Testing

/// The writer's strings, checked by a JSON parser it did not write (Foundation's).
@Suite struct JSONWriterTests {
    struct Text: JSONWritable {
        let value: String
        func write(to writer: inout JSONWriter) { writer.object { $0.field("text", value) } }
    }

    @Test(arguments: [
        "", "plain", "\"", "\\", "a\"b\\c", "\"leading", "trailing\\", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1f}", "åäö – 10 mg/kg ✓", "\u{7f}",
        String(repeating: "x", count: 10_000) + "\"",
    ])
    func aStringReadsBackAsItWasWritten(_ value: String) throws {
        let bytes = Text(value: value).jsonBytes
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String])
        #expect(parsed["text"].map { Array($0.utf8) } == Array(value.utf8))
    }

    /// Exactly the escapes written before runs of plain text were copied at once: short ones
    /// for quote, backslash, line feed, carriage return and tab, `\u00xx` (lower-case hex) for
    /// other control characters, everything else as it is.
    @Test(arguments: [
        ("a\"\\\n\u{1}é", #"a\"\\\n\u0001é"#), ("\r\t\u{1f}\u{7f}", #"\r\t\u001f\#u{7f}"#), ("\"x", #"\"x"#), ("x\\", #"x\\"#),
        ("\u{2028}e\u{301}", "\u{2028}e\u{301}"),
    ])
    func onlyQuotesBackslashesAndControlCharactersAreEscaped(_ value: String, _ escaped: String) {
        #expect(Text(value: value).jsonBytes == Array(#"{"text":""#.utf8) + Array(escaped.utf8) + Array(#""}"#.utf8))
    }
}

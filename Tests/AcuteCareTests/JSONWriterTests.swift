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
        #expect(parsed["text"] == value)
    }

    @Test func onlyQuotesBackslashesAndControlCharactersAreEscaped() {
        let bytes = Text(value: "a\"\\\n\u{1}é").jsonBytes
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"text":"a\"\\\n\u0001é"}"#)
    }
}

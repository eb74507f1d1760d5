/// What text the service accepts. Free text (reasons, notes, names) may hold any character
/// but control characters: PostgreSQL refuses NUL, and the others (escape sequences, bells,
/// C1 controls) corrupt logs, terminals and exports. Identifiers people match by eye
/// (pseudonyms, codes) take no control or format characters at all: no tabs or line breaks,
/// no bidirectional overrides (U+202E shows `DEMO-1` reversed), no zero-width characters.
public enum TextRules {
    /// The first character free text may not hold (controls other than tab, line feed and
    /// carriage return), or nil.
    public static func forbiddenInFreeText(_ text: String) -> Unicode.Scalar? {
        guard mayHoldControl(text) else { return nil }
        return text.unicodeScalars.first { isControl($0) && $0 != "\t" && $0 != "\n" && $0 != "\r" }
    }

    /// Whether the UTF-8 of `text` has a byte of a control character (below 0x20, 0x7F, or the
    /// lead byte 0xC2 that U+0080 to U+00BF share): a check of each byte, for text that is
    /// nearly always clean (a 1.5 kB presentation at 2,000 requests a second).
    private static func mayHoldControl(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }
    }

    /// The first character an identifier may not hold (controls, format characters such as
    /// bidirectional overrides and zero-width spaces, line and paragraph separators), or nil.
    public static func forbiddenInIdentifier(_ text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
            default: false
            }
        }
    }

    /// A free-text field's refusal (422), if it holds a forbidden character.
    public static func checkFreeText(_ text: String, field: String) throws(Refusal) {
        if let scalar = forbiddenInFreeText(text) { throw Refusal.invalid(field, controlMessage(scalar)) }
    }

    /// What a refusal of a control character says: its code point, never the character.
    public static func controlMessage(_ scalar: Unicode.Scalar) -> String {
        "must not contain the control character \(name(scalar))"
    }

    /// An identifier's refusal, if it holds a forbidden character or more than `maxLength`
    /// characters (counted as PostgreSQL counts them: code points, not what the eye sees).
    public static func checkIdentifier(_ text: String, field: String, maxLength: Int) throws(Refusal) {
        if let scalar = forbiddenInIdentifier(text) {
            throw Refusal.invalid(field, "must not contain the control or format character \(name(scalar))")
        }
        if text.unicodeScalars.count > maxLength { throw Refusal.invalid(field, "must be at most \(maxLength) characters") }
    }

    /// How a character is named in a refusal: its code point, never the character itself.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

}

extension JSONValue {
    /// The first string (member names included) holding a character free text may not
    /// hold, with its path (`reason`, `items.2.note`; for a member name, the object's), or nil.
    public func firstForbiddenText(path: String = "") -> (field: String, scalar: Unicode.Scalar)? {
        holdsForbiddenText ? locateForbiddenText(path: path) : nil
    }

    /// The first forbidden character's path, for a value that holds one (paths built as it goes).
    private func locateForbiddenText(path: String) -> (field: String, scalar: Unicode.Scalar)? {
        switch self {
        case .string(let text):
            return TextRules.forbiddenInFreeText(text).map { (path.isEmpty ? "body" : path, $0) }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = element.locateForbiddenText(path: Self.join(path, String(index))) { return found }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                let here = Self.join(path, key)
                // A member name is not echoed: the object holding it is named.
                if let scalar = TextRules.forbiddenInFreeText(key) { return (path.isEmpty ? "body" : path, scalar) }
                if let found = members[key]?.locateForbiddenText(path: here) { return found }
            }
        case .null, .bool, .number: break
        }
        return nil
    }

    /// Whether any string or member name holds a character free text may not hold (without
    /// the paths, which only a refusal needs).
    private var holdsForbiddenText: Bool {
        switch self {
        case .string(let text): TextRules.forbiddenInFreeText(text) != nil
        case .array(let elements): elements.contains { $0.holdsForbiddenText }
        case .object(let members): members.contains { TextRules.forbiddenInFreeText($0.key) != nil || $0.value.holdsForbiddenText }
        case .null, .bool, .number: false
        }
    }

    /// The refusal for a body holding a forbidden character, if it does.
    public func checkText() throws(Refusal) {
        if let (field, scalar) = firstForbiddenText() { throw Refusal.invalid(field, TextRules.controlMessage(scalar)) }
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

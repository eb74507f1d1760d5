/// The kind of stroke an episode or a rehab stay is about (the database's `stroke_type`).
public enum StrokeType: String, Sendable, Codable, CaseIterable {
    case ischaemic, haemorrhagic, tia, unknown

    /// Reads the type's name; another word is refused (422) naming the field, as a bad value is.
    public init(from decoder: any Decoder) throws {
        self = try Refusal.decodeName(Self.self, from: decoder)
    }

    /// The article before the type's name in a sentence ("an ischaemic", "a haemorrhagic").
    public var article: String { self == .ischaemic ? "an" : "a" }
}

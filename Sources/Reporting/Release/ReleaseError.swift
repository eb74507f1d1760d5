/// Why a release cannot be laid out or counted. The detail names cells (rows and periods),
/// never counts.
public struct ReleaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong; codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case layout
            case counts
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The subtables do not make one hierarchy of periods over the covered months.
        public static let layout = Code(.layout)
        /// A count is negative, names a cell the layout does not have, or disagrees with the
        /// sum of its parts.
        public static let counts = Code(.counts)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "release \(code): \(detail)" }
}

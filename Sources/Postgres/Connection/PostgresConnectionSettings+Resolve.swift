import CLibPQ

extension PostgresConnectionSettings {
    /// The values libpq will use for each keyword: its defaults and `PG*` environment
    /// variables, then the fallbacks, the connection string and the single keywords, in
    /// libpq's own order of precedence. A connection string libpq cannot parse is reported.
    public func resolved() throws(PostgresError) -> [String: String] {
        var values: [String: String] = [:]
        if let defaults = PQconndefaults() {
            values.merge(Self.options(defaults)) { $1 }
            PQconninfoFree(defaults)
        }
        values.merge(defaults) { $1 }
        if let connectionString {
            var message: UnsafeMutablePointer<CChar>?
            guard let parsed = PQconninfoParse(connectionString, &message) else {
                if let message { PQfreemem(message) }
                throw PostgresError(code: .connectionFailed, message: "the connection string cannot be parsed")
            }
            values.merge(Self.options(parsed)) { $1 }
            PQconninfoFree(parsed)
        }
        values.merge(keywords) { $1 }
        return values
    }

    private static func options(_ array: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var result: [String: String] = [:]
        var option = array
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return result
    }
}

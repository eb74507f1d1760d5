/// How to reach the database, as libpq keyword/value pairs.
///
/// Settings are handed to `PQconnectdbParams` as arrays, never pasted into a conninfo
/// string, so a quote in a password cannot change the meaning. Whatever is not set here
/// libpq takes from its own sources: the `PG*` environment variables, `~/.pgpass`, the
/// service file. So TLS (`sslmode`), multi-host failover
/// (`host=a,b target_session_attrs=read-write`) and `.pgpass` all work unchanged.
public struct PostgresConnectionSettings: Sendable, Equatable {
    /// A `postgresql://` URI or `key=value` string, expanded by libpq itself.
    public private(set) var connectionString: String?
    /// Keywords set one by one; they override the connection string.
    public private(set) var keywords: [String: String] = [:]
    /// Fallback keywords; the connection string and `keywords` override them.
    public private(set) var defaults: [String: String] = [:]

    /// Nothing set: libpq uses its environment variables and defaults.
    public init() {}

    /// A `postgresql://` URI or a `key=value` connection string.
    public init(connectionString: String) {
        self.connectionString = connectionString
    }

    /// A copy with one libpq keyword set, e.g. `setting("application_name", to: "strokepath")`.
    public func setting(_ keyword: String, to value: String) -> Self {
        var copy = self
        copy.keywords[keyword] = value
        return copy
    }

    /// A copy with a fallback for one libpq keyword, used unless the connection string or
    /// `setting` gives the keyword a value.
    public func defaulting(_ keyword: String, to value: String) -> Self {
        var copy = self
        copy.defaults[keyword] = value
        return copy
    }

    /// The keyword/value pairs in the order `PQconnectdbParams` must see them (later ones
    /// win): the defaults, the connection string (as `dbname`, expanded), the single keywords.
    var orderedPairs: [(keyword: String, value: String)] {
        func pairs(_ dictionary: [String: String]) -> [(keyword: String, value: String)] {
            dictionary.sorted { $0.key < $1.key }.map { (keyword: $0.key, value: $0.value) }
        }
        let connection = connectionString.map { [(keyword: "dbname", value: $0)] } ?? []
        return pairs(defaults) + connection + pairs(keywords)
    }
}

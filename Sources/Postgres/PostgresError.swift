/// An error from the database layer.
///
/// `description` is safe to log and to show: it never contains SQL text, parameters,
/// the server's DETAIL or the server's message (which can quote values, and values may be
/// patient data). Those are kept in `debugDescription` and the fields below, for
/// debug-level logs only.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case connectionFailed = "connection failed"
            case connectionClosed = "connection closed"
            case server = "server error"
            case decoding = "decoding failed"
            case encoding = "encoding failed"
            case poolTimeout = "timed out waiting for a database connection"
            case poolClosed = "connection pool is closed"
            case queryCancelled = "query cancelled"
            case unexpectedResult = "unexpected result"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The server could not be reached or refused the connection.
        public static let connectionFailed = Self(.connectionFailed)
        /// The connection was lost or closed while in use.
        public static let connectionClosed = Self(.connectionClosed)
        /// The server reported an error; see `sqlState`.
        public static let server = Self(.server)
        /// A result value could not be decoded as the requested Swift type.
        public static let decoding = Self(.decoding)
        /// A parameter could not be encoded.
        public static let encoding = Self(.encoding)
        /// No connection became free within the pool's wait timeout.
        public static let poolTimeout = Self(.poolTimeout)
        /// The pool was shut down.
        public static let poolClosed = Self(.poolClosed)
        /// The query was cancelled because its task was cancelled.
        public static let queryCancelled = Self(.queryCancelled)
        /// The server answered with something the caller did not expect (e.g. no COPY state).
        public static let unexpectedResult = Self(.unexpectedResult)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The five-character SQLSTATE, for server errors.
    public var sqlState: String?
    /// The constraint that was violated, if the server named one.
    public var constraint: String?
    /// The table the error concerns, if the server named one.
    public var table: String?
    /// The column a decoding error or server error concerns.
    public var column: String?
    /// Safe context added by this library (never data values).
    public var message: String?
    /// The server's primary message. May quote values: debug logs only.
    public var serverMessage: String?
    /// The server's DETAIL. May quote values: debug logs only.
    public var serverDetail: String?

    /// Makes an error of the given kind with a safe message.
    public init(code: Code, message: String? = nil) {
        self.code = code
        self.message = message
    }

    public var description: String {
        var parts = ["PostgreSQL: \(code)"]
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        if let constraint { parts.append("constraint \"\(constraint)\"") }
        if let table { parts.append("table \"\(table)\"") }
        if let column { parts.append("column \"\(column)\"") }
        if let message { parts.append(message) }
        return parts.joined(separator: ", ")
    }

    public var debugDescription: String {
        var text = description
        if let serverMessage { text += "; server: \(serverMessage)" }
        if let serverDetail { text += "; detail: \(serverDetail)" }
        return text
    }

    /// True when the connection that produced this error cannot be used again:
    /// class 08 (connection exception), 57P01–57P03 (server shutting down), or a closed socket.
    public var isConnectionLoss: Bool {
        if code == .connectionClosed || code == .connectionFailed { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// True when the database is unreachable or cannot take work now (connection lost or
    /// refused, pool exhausted or closed, too many connections), rather than refusing this
    /// statement: work may be kept elsewhere and retried later.
    public var isUnavailable: Bool {
        isConnectionLoss || code == .poolTimeout || code == .poolClosed || sqlState == "53300"
    }

    /// True for serialisation failures (40001) and deadlocks (40P01): the whole
    /// transaction may succeed if run again.
    public var isTransactionRetryable: Bool {
        sqlState == "40001" || sqlState == "40P01"
    }
}

/// Well-known SQLSTATE values, so callers need not spell them.
public enum SQLState {
    public static let uniqueViolation = "23505"
    public static let foreignKeyViolation = "23503"
    public static let checkViolation = "23514"
    public static let notNullViolation = "23502"
    public static let exclusionViolation = "23P01"
    public static let serializationFailure = "40001"
    public static let deadlockDetected = "40P01"
    public static let queryCanceled = "57014"
    /// A lock not had within `lock_timeout`.
    public static let lockNotAvailable = "55P03"
    public static let insufficientPrivilege = "42501"
    /// The class of data exceptions (22xxx): a value out of range, malformed, or holding a
    /// character the database refuses (NUL).
    public static let dataExceptionClass = "22"
}

import Foundation

/// Percent-encoding for what the service puts in addresses and forms: every byte but RFC 3986's
/// unreserved characters (ASCII letters, digits, `-._~`) is encoded, so `+`, `&`, `=` and
/// non-ASCII text survive any reader.
enum PercentEncoding {
    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// One query or form value (also a path, with `keepingSlashes`).
    static func encoded(_ text: String, keepingSlashes: Bool = false) -> String {
        var allowed = unreserved
        if keepingSlashes { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Names and values as a query or an `application/x-www-form-urlencoded` body: `a=1&b=2`.
    static func form(_ items: [(String, String)]) -> String {
        items.map { "\(encoded($0.0))=\(encoded($0.1))" }.joined(separator: "&")
    }

    /// `url` with `items` appended to its query, each encoded here.
    static func url(_ url: URL, adding items: [(String, String)]) -> URL? {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        components.percentEncodedQuery = [components.percentEncodedQuery, form(items)].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: "&")
        return components.url
    }
}

import Foundation
import Hummingbird

/// The language a page is shown in: the one the page's `lang` query chose (the switch in the
/// header, remembered in a cookie), else the cookie's, else the browser's `Accept-Language`,
/// else English. `pseudo` is English with every catalogue string marked (`⟦…⟧`), for the
/// test that finds text outside the catalogue; it is never offered by the switch.
enum PageLanguage: String, CaseIterable, Sendable {
    case en
    case sv
    case pseudo = "qps"

    static let cookieName = "strokepath_lang"
    /// The languages the switch offers, each in its own words.
    static let offered: [(language: PageLanguage, name: String)] = [(.sv, "Svenska"), (.en, "English")]

    /// The `lang` attribute of the page's HTML.
    var tag: String { self == .sv ? "sv" : "en" }

    /// Dates and numbers as the language writes them (Sweden's conventions in Swedish).
    var locale: Locale { Locale(identifier: self == .sv ? "sv_SE" : "en_GB") }

    /// The language the query chose, when it names one.
    static func chosen(in request: Request) -> PageLanguage? {
        request.uri.queryParameters.get("lang").flatMap(PageLanguage.init(rawValue:))
    }

    /// The page's language for this request.
    static func of(_ request: Request) -> PageLanguage {
        if let chosen = chosen(in: request) { return chosen }
        if let remembered = request.cookies[cookieName].flatMap({ PageLanguage(rawValue: $0.value) }) { return remembered }
        return preferred(request.headers[.acceptLanguage] ?? "")
    }

    /// The first of the offered languages by the header's weights (RFC 9110 §12.5.4): `sv`,
    /// `sv-SE` and `sv-FI` are Swedish; ties go to the one listed first; English otherwise.
    static func preferred(_ header: String) -> PageLanguage {
        var best: (language: PageLanguage, weight: Double)?
        for range in header.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            let weight =
                parts.dropFirst().compactMap { parameter -> Double? in
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 && pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "q" ? Double(pair[1]) : nil
                }.first ?? 1
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard weight > 0, let language = [PageLanguage.sv, .en].first(where: { $0.rawValue == primary }) else { continue }
            if weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? .en
    }

    /// The cookie that remembers a language chosen with the switch, for a year.
    var cookie: Cookie {
        Cookie(name: Self.cookieName, value: rawValue, maxAge: 365 * 86_400, path: "/", secure: true, httpOnly: true, sameSite: .lax)
    }
}

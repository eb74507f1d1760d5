import Foundation
import Hummingbird
import Mustache

/// What every page renders with, around its own view: the catalogue's texts in the page's
/// language (`{{t.key}}`), and the frame (`{{frame.…}}`: the `lang` attribute, the navigation
/// the user's role may open, the language switch). Other names are the page's view's.
struct PageContext: MustacheParentLookup {
    let t: [String: String]
    let frame: Frame
    let view: Any

    struct Frame {
        struct Link { var href: String, label: String, current: Bool }
        struct Language { var href: String, name: String, tag: String, current: Bool }
        var lang: String
        /// The `lang` of the protocols' statements (`ProtocolStatements.tag`).
        var statementLang: String
        var navigation: [Link]
        var languages: [Language]
        var signedIn: Bool
    }

    func child(named name: String) -> Any? {
        switch name {
        case "t": t
        case "frame": frame
        default: Self.lookUp(name, in: view)
        }
    }
}

extension PageContext.Frame {
    /// The pages in the navigation, in order, with the catalogue key of each one's name.
    static let pages: [(path: String, key: String)] = [
        ("/", "nav_status"), ("/acute/episodes", "nav_acute_episodes"), ("/acute", "nav_acute"), ("/acute/profiles", "nav_acute_profiles"),
        ("/rehab", "nav_clinic"),
        ("/reports", "nav_reports"), ("/audit/break-glass", "nav_break_glass"),
    ]

    /// The frame of a page for `identity` (nil: not signed in), in `texts`' language.
    init(request: Request, identity: Identity?, texts: TextCatalogue.Texts) {
        let path = request.uri.path
        func isCurrent(_ href: String) -> Bool { href == "/" ? path == "/" : path == href || path.hasPrefix(href + "/") }
        var links = Self.pages.filter { page in
            page.path == "/" || identity.map { AccessPolicy.allows($0.role, method: "GET", path: page.path) } == true
        }.map { Link(href: $0.path, label: texts[$0.key], current: false) }
        // The most specific match is the current page (the profiles page, not the acute page above it).
        if let current = links.indices.filter({ isCurrent(links[$0].href) }).max(by: { links[$0].href.count < links[$1].href.count }) {
            links[current].current = true
        }
        // A page without the user (an error page) still knows a session by its cookie.
        signedIn = identity != nil || WebSession.sessionID(request) != nil
        let account =
            signedIn
            ? Link(href: "/account", label: texts["nav_account"], current: path == "/account")
            : Link(href: "/sign-in", label: texts["nav_sign_in"], current: path == "/sign-in")
        lang = texts.language.tag
        statementLang = ProtocolStatements.tag(texts.language)
        navigation = links + [account]
        languages = PageLanguage.offered.map { offered in
            Language(
                href: Self.address(request, language: offered.language), name: offered.name, tag: offered.language.tag,
                current: offered.language == texts.language)
        }
    }

    /// This page in another language: its query with `lang` replaced, as a link relative to the
    /// page itself (never a path of the request's, which could name another host as `//host`);
    /// a page shown after a POST is asked for again with GET.
    static func address(_ request: Request, language: PageLanguage) -> String {
        var query = request.uri.queryParameters.filter { $0.key != "lang" }.map { (String($0.key), String($0.value)) }
        query.append(("lang", language.rawValue))
        return "?" + PercentEncoding.form(query)
    }
}

/// A Mustache context object that answers its own names and looks the rest up in a value
/// by reflection, as Mustache itself does.
protocol MustacheParentLookup: MustacheParent {}

extension MustacheParentLookup {
    /// A stored property of `value` by name (an optional's value, or nil when it is nil).
    static func lookUp(_ name: String, in value: Any) -> Any? {
        if let parent = value as? any MustacheParent { return parent.child(named: name) }
        guard let child = Mirror(reflecting: value).children.first(where: { $0.label == name })?.value else { return nil }
        let mirror = Mirror(reflecting: child)
        guard mirror.displayStyle == .optional else { return child }
        return mirror.children.first?.value
    }
}

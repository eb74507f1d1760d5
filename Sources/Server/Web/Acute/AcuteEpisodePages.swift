import Clinical
import Foundation
import Hummingbird
import Storage

/// The acute team's board (`/acute/episodes`: the episodes opened in the last three days, and
/// a new one for a patient found by personal identity number or registered on the spot) and
/// each episode's page: one tap stamps door, CT, needle and groin with the database's clock,
/// clock times correct them in the hospitals' zone, and an evaluation starts from the
/// episode's times. Clinicians only; every read and write is audited by the stores.
struct AcuteEpisodePages: Sendable {
    let pages: PageRenderer
    let episodes: AcuteEpisodes
    let patients: PatientRecords
    let identities: PatientIdentities
    /// The hospitals' zone: clock times are read and shown in it (nil: minutes only, times in UTC).
    let zone: TimeZone?

    /// The episode an evaluation starts from, as the acute form shows it.
    struct Banner {
        var id: UUID
        var href: String
        var patient: String
        /// The episode's last known well, to compare with the one the evaluation used.
        var lastKnownWell: Date?
    }

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct EpisodeView {
        struct Moment {
            var name: String
            var label: String
            var time: String?
            var clockValue: String
            /// The stored time as the form showed it: sent back, so only a change is written.
            var shownValue: String
            var isNeedle: Bool
            /// For the needle once stamped: the agent recorded, if any.
            var agent: String?
            /// The stamp's instant (epoch seconds), sent back by "clear" to clear only this one.
            var seen: String
        }

        var csrf: String
        var id: String
        var href: String
        var patient: String
        var identityLink: String
        var opened: String
        var lkw: String?
        var lkwValue: String
        var lkwShown: String
        var witnessed: [Option]
        var witnessedShown: String
        var moments: [Moment]
        var intervals: [String]
        var hasIntervals: Bool
        var clockNote: String
        var notice: String?
        var errors: [String]
        var hasErrors: Bool
    }

    static let boardDays = 3.0

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/acute/episodes") { request, context in
            try await board(request, context, values: [:], errors: [], status: .ok)
        }
        signedIn.post("/acute/episodes") { request, context in
            try await open(request, context)
        }
        signedIn.get("/acute/episodes/:id") { request, context in
            let episode = try await find(try QueryParameter.id(context, "episode"), context.access)
            let done = request.uri.queryParameters["done"].map(String.init)
            return try await episodePage(request, context, episode, notice: notice(done, episode, pages.texts(request)), errors: [], typed: nil, status: .ok)
        }
        signedIn.post("/acute/episodes/:id") { request, context in
            try await change(request, context, id: try QueryParameter.id(context, "episode"))
        }
    }

    /// The episode and its banner for the acute form; an unknown or invisible id is a 404.
    func banner(_ text: String, _ access: AccessContext) async throws -> (AcuteEpisode, Banner) {
        guard let id = UUID(uuidString: text) else { throw Refusal.invalidParameter("episode", "must be a UUID (the episode id)") }
        let episode = try await find(id, access)
        let names = try await names(of: [episode.patientId], access)
        return (episode, Banner(id: id, href: Self.href(id), patient: names[episode.patientId] ?? "", lastKnownWell: episode.lastKnownWell))
    }

    /// What the acute form starts with for an episode: its times as clock times, onset and NIHSS.
    func formValues(_ episode: AcuteEpisode) -> [String: String] {
        var values = ["episode": episode.id.uuidString.lowercased()]
        if let zone {
            for (field, instant) in [("lkw_at", episode.lastKnownWell), ("arrival_at", episode.arrivalAt)] {
                guard let instant else { continue }
                let text = ClockTimeEntry.text(instant, in: zone)
                values[field] = text
                values["\(field)_shown"] = text
                values["\(field)_instant"] = String(instant.timeIntervalSince1970)
            }
        }
        // Not recorded on the episode: not known on the form, never a default.
        values["times.onset_type"] = episode.onsetWitnessed.map { $0 ? "witnessed" : "wake_up" } ?? ""
        values["nihss"] = episode.nihssAtArrival.map(String.init)
        return values
    }

    private func find(_ id: UUID, _ access: AccessContext) async throws -> AcuteEpisode {
        guard let episode = try await episodes.find(id, as: access) else { throw Refusal.notFound("No episode with that id is accessible to you.") }
        return episode
    }

    /// Each patient's name where an identity is recorded, else their pseudonym (two queries,
    /// however many patients).
    func names(of ids: [UUID], _ access: AccessContext) async throws -> [UUID: String] {
        let named = try await identities.findMany(ids, as: access).mapValues(\.displayName)
        let unnamed = Set(ids).subtracting(named.keys)
        return named.merging(try await patients.pseudonyms(of: Array(unnamed), as: access)) { name, _ in name }
    }

    static func agent(_ code: String, _ texts: TextCatalogue.Texts) -> String {
        code == "alteplase" ? texts["acute_alteplase"] : code == "tenecteplase" ? texts["acute_tenecteplase"] : code
    }

    static func label(of moment: EpisodeMoment, _ texts: TextCatalogue.Texts) -> String {
        switch moment {
        case .arrival: texts["episode_arrival"]
        case .imaging: texts["episode_imaging"]
        case .needle: texts["episode_needle"]
        case .groinPuncture: texts["episode_groin_puncture"]
        }
    }

    static func href(_ id: UUID) -> String { "/acute/episodes/\(id.uuidString.lowercased())" }

    var shownZone: TimeZone { zone ?? .gmt }

    /// The moments stamped on the page, in the order they happen, with their times.
    static func moments(_ episode: AcuteEpisode) -> [(EpisodeMoment, Date?)] {
        [(.arrival, episode.arrivalAt), (.imaging, episode.imagingAt), (.needle, episode.needleAt), (.groinPuncture, episode.groinPunctureAt)]
    }

    /// The episode's page; after a refused correction, with the values as typed and as they
    /// were shown (`typed`), so nothing typed is lost and nothing shown is taken for a change.
    private func episodePage(
        _ request: Request, _ context: SignedInContext, _ episode: AcuteEpisode, notice: String?, errors: [String], typed: [String: String]?,
        status: HTTPResponse.Status
    ) async throws -> Response {
        let texts = pages.texts(request)
        let names = try await names(of: [episode.patientId], context.access)
        let storedWitnessed = episode.onsetWitnessed.map { $0 ? "yes" : "no" } ?? ""
        let witnessed = typed?["onset_witnessed"] ?? storedWitnessed
        let lkwStored = episode.lastKnownWell.map { ClockTimeEntry.text($0, in: shownZone) } ?? ""
        let intervals = [
            episode.doorToImagingMin.map { texts.format("episode_door_to_imaging", ["minutes": "\($0)"]) },
            episode.doorToNeedleMin.map { texts.format("episode_door_to_needle", ["minutes": "\($0)"]) },
            episode.doorToGroinMin.map { texts.format("episode_door_to_groin", ["minutes": "\($0)"]) },
            episode.onsetToNeedleMin.map { texts.format("episode_onset_to_needle", ["minutes": "\($0)"]) },
        ].compactMap { $0 }
        let csrf = WebSession.csrfToken(request)
        let view = EpisodeView(
            csrf: csrf, id: episode.id.uuidString.lowercased(), href: Self.href(episode.id), patient: names[episode.patientId] ?? "",
            identityLink: "/patients/\(episode.patientId.uuidString.lowercased())/identity",
            opened: texts.moment(episode.createdAt, in: shownZone),
            lkw: episode.lastKnownWell.map { texts.moment($0, in: shownZone) },
            lkwValue: typed?["lkw_at"] ?? lkwStored, lkwShown: typed?["lkw_at_shown"] ?? lkwStored,
            witnessed: [("", texts["episode_not_known"]), ("yes", texts["episode_witnessed"]), ("no", texts["episode_unwitnessed"])].map {
                Option(value: $0.0, label: $0.1, selected: $0.0 == witnessed)
            },
            witnessedShown: typed?["onset_witnessed_shown"] ?? storedWitnessed,
            moments: Self.moments(episode).map { moment, time in
                let stored = time.map { ClockTimeEntry.text($0, in: shownZone) } ?? ""
                return EpisodeView.Moment(
                    name: moment.rawValue, label: Self.label(of: moment, texts), time: time.map { texts.moment($0, in: shownZone) },
                    clockValue: typed?["\(moment.rawValue)_at"] ?? stored, shownValue: typed?["\(moment.rawValue)_at_shown"] ?? stored,
                    isNeedle: moment == .needle, agent: moment == .needle ? episode.thrombolytic.map { Self.agent($0, texts) } : nil,
                    seen: time.map { String($0.timeIntervalSince1970) } ?? "")
            },
            intervals: intervals, hasIntervals: !intervals.isEmpty,
            clockNote: zone.map { texts.format("clock_zone", ["zone": $0.identifier]) } ?? texts["clock_no_zone"], notice: notice, errors: errors,
            hasErrors: !errors.isEmpty)
        return try pages.page("acute-episode", view, request: request, identity: context.identity, csrf: csrf, status: status)
    }

    /// A stamp ("now", once) or corrections by clock time; then back to the episode's page
    /// (303), whose notice says what was done, so reloading it sends nothing again.
    private func change(_ request: Request, _ context: SignedInContext, id: UUID) async throws -> Response {
        let form = try await context.form(request)
        let texts = pages.texts(request)
        switch form["do"] {
        case "stamp":
            guard let moment = form["moment"].flatMap(EpisodeMoment.init(rawValue:)) else {
                throw Refusal.invalid("moment", "must be arrival, imaging, needle or groin_puncture")
            }
            let agent = form["thrombolytic"].flatMap { $0.isEmpty ? nil : $0 }
            if let agent, !EpisodeChanges.thrombolytics.contains(agent) { throw Refusal.invalid("thrombolytic", "must be alteplase or tenecteplase") }
            guard let (_, stamped) = try await episodes.stamp(id, moment, thrombolytic: agent, as: context.access) else {
                throw Refusal.notFound("No episode with that id is accessible to you.")
            }
            return Self.back(to: id, done: "\(stamped ? "stamped" : "kept")-\(moment.rawValue)")
        case "clear":
            // A moment stamped by mistake: cleared with what rests on it, only while it is the one
            // this nurse saw (`seen`, epoch seconds); a colleague's stamp made since stays.
            guard let moment = form["moment"].flatMap(EpisodeMoment.init(rawValue:)) else {
                throw Refusal.invalid("moment", "must be arrival, imaging, needle or groin_puncture")
            }
            guard let seen = form["seen"].flatMap(Double.init), seen.isFinite else { throw Refusal.invalid("seen", "must be the stamp's time shown") }
            switch try await episodes.clear(id, moment, seen: Date(timeIntervalSince1970: seen), as: context.access) {
            case nil: throw Refusal.notFound("No episode with that id is accessible to you.")
            case .cleared?: return Self.back(to: id, done: "cleared-\(moment.rawValue)")
            case .changedSince?: return Self.back(to: id, done: "changed-\(moment.rawValue)")
            }
        case "agent":
            guard let agent = form["thrombolytic"], EpisodeChanges.thrombolytics.contains(agent) else {
                let episode = try await find(id, context.access)
                return try await episodePage(
                    request, context, episode, notice: nil, errors: [texts["episode_agent_choose"]], typed: nil, status: .unprocessableContent)
            }
            switch try await episodes.recordAgent(id, agent, as: context.access) {
            case nil: throw Refusal.notFound("No episode with that id is accessible to you.")
            case .recorded?, .already?: return Self.back(to: id, done: "agent")
            case .noNeedle?:
                let episode = try await find(id, context.access)
                return try await episodePage(
                    request, context, episode, notice: nil, errors: [texts["episode_agent_needs_needle"]], typed: nil, status: .unprocessableContent)
            }
        case "clock":
            let now = Date()
            let current = try await find(id, context.access)
            var changes = EpisodeChanges()
            var errors: [String] = []
            /// A clock time the user changed: one sent back as it was shown (`<field>_shown`) is
            /// not theirs to write, so a colleague's correction made since stays, and the stored
            /// seconds with it.
            func read(_ field: String, _ label: String, current: Date?) -> Date? {
                let typed = form[field]?.trimmingCharacters(in: .whitespaces) ?? ""
                let shown = form["\(field)_shown"] ?? current.map { ClockTimeEntry.text($0, in: shownZone) } ?? ""
                guard !typed.isEmpty, typed != shown else { return nil }
                guard let zone else {
                    errors.append("\(label): \(texts["clock_no_zone"])")
                    return nil
                }
                switch ClockTimeEntry.instant(typed, in: zone, now: now) {
                case .success(let date): return date
                case .failure(let problem):
                    errors.append("\(label): \(ClockTimeEntry.message(problem, texts))")
                    return nil
                }
            }
            if let lkw = read("lkw_at", texts["episode_lkw"], current: current.lastKnownWell) { changes.lastKnownWell = .some(lkw) }
            if form["onset_witnessed"] != form["onset_witnessed_shown"] {
                switch form["onset_witnessed"] {
                case "yes": changes.onsetWitnessed = .some(true)
                case "no": changes.onsetWitnessed = .some(false)
                default: changes.onsetWitnessed = .some(nil)
                }
            }
            var moments: [(EpisodeMoment, Date?)] = []
            for (moment, stored) in Self.moments(current) {
                let date = read("\(moment.rawValue)_at", Self.label(of: moment, texts), current: stored)
                moments.append((moment, date ?? stored))
                guard let date else { continue }
                switch moment {
                case .arrival: changes.arrivalAt = .some(date)
                case .imaging: changes.imagingAt = .some(date)
                case .needle: changes.needleAt = .some(date)
                case .groinPuncture: changes.groinPunctureAt = .some(date)
                }
            }
            // The database's own rule (every moment at or after last known well), said in words.
            if let lkw = (changes.lastKnownWell ?? nil) ?? current.lastKnownWell {
                for (moment, time) in moments where time.map({ $0 < lkw }) == true {
                    errors.append(texts.format("episode_before_lkw", ["moment": Self.label(of: moment, texts)]))
                }
            }
            guard errors.isEmpty else {
                return try await episodePage(request, context, current, notice: nil, errors: errors, typed: form, status: .unprocessableContent)
            }
            guard changes != EpisodeChanges() else { return Self.back(to: id, done: "unchanged") }
            do {
                guard try await episodes.update(id, changes: changes, as: context.access) != nil else {
                    throw Refusal.notFound("No episode with that id is accessible to you.")
                }
            } catch let refusal as Refusal where Problem.from(refusal)?.errors.contains(where: { $0.field == "times" }) == true {
                return try await episodePage(
                    request, context, current, notice: nil, errors: [texts["episode_times_out_of_order"]], typed: form, status: .unprocessableContent)
            }
            return Self.back(to: id, done: "times")
        default:
            throw Refusal.invalid("do", "must be stamp, clear, agent or clock")
        }
    }

    /// Back to the episode's page after a change, saying what was done.
    private static func back(to id: UUID, done: String) -> Response {
        Response(status: .seeOther, headers: [.location: "\(href(id))?done=\(done)"])
    }

    /// What a `done` of `back(to:done:)` says, with the moment's time as stored.
    private func notice(_ done: String?, _ episode: AcuteEpisode, _ texts: TextCatalogue.Texts) -> String? {
        guard let done else { return nil }
        if done == "times" { return texts["episode_times_saved"] }
        if done == "unchanged" { return texts["episode_nothing_changed"] }
        if done == "agent" { return episode.thrombolytic.map { texts.format("episode_agent_recorded", ["agent": Self.agent($0, texts)]) } }
        if done.hasPrefix("cleared-"), let moment = EpisodeMoment(rawValue: String(done.dropFirst("cleared-".count))) {
            return texts.format("episode_cleared", ["moment": Self.label(of: moment, texts)])
        }
        if done.hasPrefix("changed-"), let moment = EpisodeMoment(rawValue: String(done.dropFirst("changed-".count))) {
            return texts.format("episode_changed_since", ["moment": Self.label(of: moment, texts)])
        }
        let parts = done.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, let moment = EpisodeMoment(rawValue: parts[1]), let time = Self.moments(episode).first(where: { $0.0 == moment })?.1
        else { return nil }
        let values = ["moment": Self.label(of: moment, texts), "time": texts.moment(time, in: shownZone)]
        switch parts[0] {
        case "stamped": return texts.format("episode_stamp_done", values)
        case "kept": return texts.format("episode_stamp_kept", values)
        default: return nil
        }
    }
}

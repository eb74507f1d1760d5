import Clinical
import Foundation

/// Turns the acute form's fields into a presentation document: minutes-ago times into times
/// from last known well, yes/no choices into booleans, numbers into numbers. Text that is not
/// a number is kept as text, so the presentation reader names the field.
enum AcuteFormReader {
    /// Clock fields left blank or not numbers, by form field: refused before any evaluation,
    /// since a window tested at "now" instead of at the needle can be wrong at its edge.
    static func clockProblems(_ form: [String: String], texts: TextCatalogue.Texts) -> [String: String] {
        var problems: [String: String] = [:]
        for field in AcuteFormFields.requiredTimes(texts) {
            let value = form[field.name]?.trimmingCharacters(in: .whitespaces) ?? ""
            if value.isEmpty {
                problems[field.name] = field.message
            } else if Double(value).map({ $0 < 0 || !$0.isFinite }) ?? true {
                problems[field.name] = texts["acute_minutes_invalid"]
            }
        }
        return problems
    }

    /// The form with each clock time turned into its minutes-ago field (rounded up to the whole
    /// minute: a window is never tested as if less time had passed), the instants read (for
    /// the handover, exact), and the clock times refused, by field: unreadable, skipped or
    /// repeated by the zone, still to come or too old, typed beside minutes ago (which one is
    /// meant cannot be known), or typed where no zone is set. A time sent back as the episode
    /// gave it (`<field>_shown`) is that instant (`<field>_instant`), never read again as local
    /// text, which the hour the clocks go back would make ambiguous.
    static func withClockTimes(
        _ form: [String: String], zone: TimeZone?, now: Date, texts: TextCatalogue.Texts
    ) -> (form: [String: String], problems: [String: String], instants: [String: Date]) {
        var form = form
        var problems: [String: String] = [:]
        var instants: [String: Date] = [:]
        for (clock, minutes) in AcuteFormFields.clockFields {
            let typed = form[clock]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !typed.isEmpty else { continue }
            guard (form[minutes]?.trimmingCharacters(in: .whitespaces) ?? "").isEmpty else {
                problems[clock] = texts["clock_either"]
                continue
            }
            let read: Result<Date, ClockTimeEntry.Problem>
            if typed == form["\(clock)_shown"], let seconds = form["\(clock)_instant"].flatMap(Double.init), seconds.isFinite {
                let date = Date(timeIntervalSince1970: seconds)
                read = date > now ? .failure(.future) : now.timeIntervalSince(date) > ClockTimeEntry.oldest ? .failure(.tooOld) : .success(date)
            } else if let zone {
                read = ClockTimeEntry.instant(typed, in: zone, now: now)
            } else {
                problems[clock] = texts["clock_no_zone"]
                continue
            }
            switch read {
            case .success(let date):
                instants[clock] = date
                form[minutes] = String(Int((now.timeIntervalSince(date) / 60).rounded(.up)))
            case .failure(let problem): problems[clock] = ClockTimeEntry.message(problem, texts)
            }
        }
        return (form, problems, instants)
    }

    static func presentation(from form: [String: String]) -> JSONValue {
        var root: [String: JSONValue] = [:]
        func set(_ path: String, _ value: JSONValue) {
            let keys = path.split(separator: ".").map(String.init)
            guard let first = keys.first else { return }
            if keys.count == 1 {
                root[first] = value
            } else {
                var inner = root[first]?.object ?? [:]
                inner[keys[1]] = value
                root[first] = .object(inner)
            }
        }
        func number(_ name: String) -> Double? { form[name].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        for group in AcuteFormFields.groups {
            for field in group.fields where !field.name.contains("minutes_ago") && !field.name.hasSuffix("_in") {
                guard let value = text(field.name) else { continue }
                switch field.kind {
                case .number: set(field.name, Double(value).map(JSONValue.number) ?? .string(value))
                case .choice: set(field.name, .string(value))
                case .yesNo: set(field.name, value == "yes" ? .bool(true) : value == "no" ? .bool(false) : .string(value))
                case .clock: continue
                }
            }
        }
        // The NIHSS item calculator: any item scored sends every item (the reader names the ones left blank).
        let items = form.filter { $0.key.hasPrefix("nihss_items.") && !$0.value.isEmpty }
        if !items.isEmpty {
            var scored: [String: JSONValue] = [:]
            for (key, value) in items { scored[String(key.dropFirst("nihss_items.".count))] = Double(value).map(JSONValue.number) ?? .string(value) }
            for key in form.keys where key.hasPrefix("nihss_items.") && scored[String(key.dropFirst("nihss_items.".count))] == nil {
                scored[String(key.dropFirst("nihss_items.".count))] = .null
            }
            root["nihss_items"] = .object(scored)
        }
        let reviewed = form["history_reviewed"] == "on"
        set("history.reviewed", .bool(reviewed))
        for flag in AcuteFormFields.historyFlags {
            if form[flag] == "on" {
                set(flag, .bool(true))
            } else if reviewed {
                set(flag, .bool(false))
            }
        }
        for event in AcuteFormFields.recentEvents {
            if let value = text(event) { set(event, Double(value).map(JSONValue.number) ?? .string(value)) }
        }
        // The clock: everything counted from last known well.
        if let lkw = number("lkw_minutes_ago"), let needle = number("needle_in") {
            set("times.lkw_to_decision_min", .number(lkw + needle))
            if let puncture = number("puncture_in") { set("times.lkw_to_puncture_min", .number(lkw + puncture)) }
            if let arrival = number("arrival_minutes_ago") { set("times.lkw_to_arrival_min", .number(lkw - arrival)) }
            if let recognition = number("recognition_minutes_ago") { set("times.symptom_recognition_to_decision_min", .number(recognition + needle)) }
            if let midpoint = number("sleep_midpoint_minutes_ago") { set("times.sleep_midpoint_to_decision_min", .number(midpoint + needle)) }
        } else if let raw = text("lkw_minutes_ago") {
            set("times.lkw_to_decision_min", .string(raw))
        }
        return .object(root)
    }
}

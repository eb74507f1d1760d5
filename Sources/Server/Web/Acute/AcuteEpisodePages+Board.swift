import Clinical
import Foundation
import Hummingbird
import Storage

/// The acute team's board: the episodes of the last three days, and a new episode for a patient
/// found by personal identity number or registered on the spot.
extension AcuteEpisodePages {
    struct BoardView {
        struct Row {
            var href: String
            var patient: String
            var opened: String
            var stamps: [String]
        }

        var csrf: String
        var rows: [Row]
        var hasRows: Bool
        var organisations: [Option]
        var hasSeveralOrganisations: Bool
        var sexes: [Option]
        var name: String
        var personalNumber: String
        var birthYear: String
        var errors: [String]
        var hasErrors: Bool
    }

    func board(_ request: Request, _ context: SignedInContext, values: [String: String], errors: [String], status: HTTPResponse.Status)
        async throws -> Response
    {
        let texts = pages.texts(request)
        let recent = try await episodes.recent(since: Date().addingTimeInterval(-Self.boardDays * 86_400), as: context.access)
        let names = try await names(of: recent.map(\.patientId), context.access)
        let rows = recent.map { episode in
            BoardView.Row(
                href: Self.href(episode.id), patient: names[episode.patientId] ?? "",
                opened: texts.moment(episode.createdAt, in: shownZone),
                stamps: Self.moments(episode).compactMap { moment, time in
                    time.map { texts.format("episode_stamped", ["moment": Self.label(of: moment, texts), "time": texts.moment($0, in: shownZone)]) }
                })
        }
        let organisations = context.access.organisations
        let organisationNames = try await OrganisationSettings.names(of: organisations, pool: episodes.pool)
        let sex = values["sex"] ?? "unknown"
        let csrf = WebSession.csrfToken(request)
        let view = BoardView(
            csrf: csrf, rows: rows, hasRows: !rows.isEmpty,
            organisations: organisations.map {
                Option(
                    value: $0.uuidString.lowercased(), label: organisationNames[$0] ?? $0.uuidString,
                    selected: values["organisation"] == $0.uuidString.lowercased())
            },
            hasSeveralOrganisations: organisations.count > 1,
            sexes: [("unknown", texts["sex_unknown"]), ("female", texts["sex_female"]), ("male", texts["sex_male"]), ("other", texts["sex_other"])].map {
                Option(value: $0.0, label: $0.1, selected: $0.0 == sex)
            },
            name: values["name"] ?? "", personalNumber: values["personal_number"] ?? "", birthYear: values["birth_year"] ?? "", errors: errors,
            hasErrors: !errors.isEmpty)
        return try pages.page("acute-episodes", view, request: request, identity: context.identity, csrf: csrf, status: status)
    }

    /// Opens an episode: for the patient the personal identity number finds, else for a patient
    /// registered here (with their name when given; none at all for a patient not yet known).
    func open(_ request: Request, _ context: SignedInContext) async throws -> Response {
        let form = try await context.form(request)
        let texts = pages.texts(request)
        let access = context.access
        let name = form["name"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let number = form["personal_number"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let year = form["birth_year"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let sex = form["sex"] ?? "unknown"
        let organisation = (form["organisation"]).flatMap(UUID.init(uuidString:)) ?? (access.organisations.count == 1 ? access.organisations.first : nil)
        var errors: [String] = []
        if organisation.map(access.organisations.contains) != true { errors.append(texts["episode_organisation_required"]) }
        // The name and number by the store's own rules, before anything is registered.
        var identity: PatientIdentity?
        if !number.isEmpty && name.isEmpty {
            errors.append(texts["episode_name_with_number"])
        } else if !name.isEmpty {
            do {
                identity = try PatientIdentities.checked(PatientIdentity(patientId: UUID(), displayName: name, personalNumber: number.isEmpty ? nil : number))
            } catch let refusal as Refusal {
                let number = Problem.from(refusal)?.errors.contains { $0.field == "personalNumber" } == true
                errors.append(number ? texts["episode_number_invalid"] : texts["episode_name_invalid"])
            }
        }
        let birthYear = Int(year)
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
        if !year.isEmpty && birthYear.map({ (1900...thisYear).contains($0) }) != true { errors.append(texts["episode_birth_year_invalid"]) }
        if !PatientController.sexes.contains(sex) { errors.append(texts["episode_sex_invalid"]) }
        var patient: UUID?
        if errors.isEmpty && !number.isEmpty {
            let found = try await identities.patients(withPersonalNumber: number, as: access)
            if found.count > 1 { errors.append(texts["episode_number_ambiguous"]) }
            patient = found.first
        }
        guard errors.isEmpty, let organisation else { return try await board(request, context, values: form, errors: errors, status: .unprocessableContent) }
        if patient == nil {
            let registered = try await patients.register(
                pseudonym: "AKUT-" + UUID().uuidString.prefix(8), birthYear: birthYear, sex: sex, organisation: organisation, as: access)
            if var identity {
                identity.patientId = registered.id
                _ = try await identities.save(identity, as: access)
            }
            patient = registered.id
        }
        guard let patient else { throw Refusal.unknownPatientRecord }
        let episode = try await episodes.create(patient: patient, organisation: organisation, changes: EpisodeChanges(), as: access)
        return Response(status: .seeOther, headers: [.location: Self.href(episode.id)])
    }
}

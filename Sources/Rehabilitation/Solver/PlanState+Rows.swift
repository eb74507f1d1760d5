/// Loading a schedule's rows into a plan, as far as they still fit the instance.
extension PlanState {
    /// A row that names things the instance has, as indices.
    struct ResolvedRow: Hashable {
        var rx: Int, modality: Int, therapist: Int, room: Int, day: Int, start: Int, length: Int
    }

    /// The rows as indices; a row whose ids, day or prescription the instance lacks is nil.
    static func resolve(_ rows: [ScheduleRow], model: SolverModel) -> [ResolvedRow?] {
        let week = model.week
        let patients = Dictionary(week.patients.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let modalities = Dictionary(week.modalities.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let therapists = Dictionary(week.therapists.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let rooms = Dictionary(week.rooms.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var prescriptions: [Int: Int] = [:]
        for x in 0..<model.prescriptionCount { prescriptions[model.rxPatient[x] * model.modalityCount + model.rxModality[x]] = x }
        return rows.map { row in
            guard let patient = patients[row.patient], let modality = modalities[row.modality], let room = rooms[row.room],
                let x = prescriptions[patient * model.modalityCount + modality],
                (0..<model.dayCount).contains(row.day), row.length == model.rxLength[x], (0...(model.slotsPerDay - row.length)).contains(row.start)
            else { return nil }
            let therapist: Int
            if let id = row.therapist {
                guard let index = therapists[id] else { return nil }
                therapist = index
            } else {
                therapist = -1
            }
            return ResolvedRow(rx: x, modality: modality, therapist: therapist, room: room, day: row.day, start: row.start, length: row.length)
        }
    }

    /// Adds the rows in order, each only if it still fits every hard constraint (rows of one
    /// group session join the same session; nothing is removed meanwhile, so session ids
    /// stay valid). Returns the indices of the rows left out.
    mutating func load(_ rows: [ResolvedRow?]) -> [Int] {
        var groups: [ResolvedRow: Int] = [:]
        var left: [Int] = []
        for (index, resolved) in rows.enumerated() {
            guard let row = resolved, fits(row, groups: groups) else {
                left.append(index)
                continue
            }
            var key = row
            key.rx = -1
            if let id = groups[key] {
                addMember(row.rx, to: id)
            } else {
                let id = openSession(modality: row.modality, therapist: row.therapist, room: row.room, day: row.day, start: row.start, length: row.length)
                addMember(row.rx, to: id)
                if model.modalityMaxGroup[row.modality] > 1 { groups[key] = id }
            }
        }
        commit()
        return left
    }

    /// Whether one more row fits: the prescription's weekly and daily counts, the patient's
    /// day, and either the group session it joins or a new session's therapist and room.
    private func fits(_ row: ResolvedRow, groups: [ResolvedRow: Int]) -> Bool {
        let x = row.rx
        guard model.rxDays[x].contains(row.day), rxDelivered[x] < model.rxSessions[x], dayBlock(x, day: row.day) == nil,
            patientStartMask(x, day: row.day) & (UInt64(1) << UInt64(row.start)) != 0,
            row.therapist >= 0 ? model.rxTherapistAllowed[x * model.therapistCount + row.therapist] : !model.modalityNeedsTherapist[row.modality]
        else { return false }
        var key = row
        key.rx = -1
        if let id = groups[key] {
            return groupBlock(x, session: id) == nil
        }
        guard model.modalityRooms[row.modality].contains(row.room),
            freeRoom(row.room, modality: row.modality, day: row.day, start: row.start, length: row.length)
        else {
            return false
        }
        return row.therapist < 0 || therapistBlock(row.therapist, day: row.day, start: row.start, length: row.length) == nil
    }
}

import Clinical
import Foundation
import Storage

/// A rehab clinic as FHIR R4: each therapist a `Practitioner` with a `PractitionerRole` at the
/// clinic (their skills as specialties), each room, pool or bath a `Location` with the
/// `Schedule` its sessions are `Slot`s of (a group session's places in the slot's comment), and
/// a patient's place in a session an `Appointment` naming only that patient.
struct FHIRClinicResources {
    let codes: FHIRCodes

    static func codeSystem(_ kind: String, _ organisation: UUID) -> String {
        "https://strokepath.se/fhir/sid/\(kind)-code/\(organisation.fhirID)"
    }

    func practitioner(_ therapist: ChartTherapist) -> [FHIRResource] {
        let id = therapist.id.fhirID
        // Skills are the modalities a therapist gives; said in words (the procedure codes are not specialties).
        let specialties: [JSONValue] = therapist.skills.map { .object(["text": .string(codes.terminology.concepts["procedure.rehab.\($0)"]?.text ?? $0)]) }
        return [
            FHIRResource(
                "Practitioner", id: id, patient: nil,
                [
                    (
                        "identifier",
                        .array([.object(["system": .string(Self.codeSystem("therapist", therapist.organisationId)), "value": .string(therapist.code)])])
                    ),
                    ("active", .bool(therapist.active)), ("name", .array([.object(["text": .string(therapist.name)])])),
                ]),
            FHIRResource(
                "PractitionerRole", id: "role-\(id)", patient: nil,
                [
                    ("active", .bool(therapist.active)), ("practitioner", FHIRJSON.reference("Practitioner", therapist.id)),
                    ("organization", FHIRJSON.reference("Organization", therapist.organisationId)),
                    ("code", .array([.object(["text": .string(therapist.role.replacingOccurrences(of: "_", with: " "))])])),
                    ("specialty", .array(specialties)),
                ]),
        ]
    }

    func location(_ room: ChartRoom) -> [FHIRResource] {
        let id = room.id.fhirID
        return [
            FHIRResource(
                "Location", id: id, patient: nil,
                [
                    ("identifier", .array([.object(["system": .string(Self.codeSystem("room", room.organisationId)), "value": .string(room.code)])])),
                    ("status", .string("active")), ("name", .string(room.name)), ("mode", .string("instance")),
                    ("type", .array([.object(["text": .string(room.type.replacingOccurrences(of: "_", with: " "))])])),
                    (
                        "physicalType",
                        .object([
                            "coding": .array([
                                .object([
                                    "system": .string("http://terminology.hl7.org/CodeSystem/location-physical-type"), "code": .string("ro"),
                                    "display": .string("Room"),
                                ])
                            ])
                        ])
                    ),
                    ("managingOrganization", FHIRJSON.reference("Organization", room.organisationId)),
                    ("description", .string("Up to \(room.capacity) at once.")),
                ]),
            FHIRResource(
                "Schedule", id: "room-\(id)", patient: nil,
                [
                    ("active", .bool(true)), ("actor", .array([FHIRJSON.reference("Location", room.id)])),
                    ("comment", .string("The sessions booked in \(room.name).")),
                ]),
        ]
    }

    func slot(_ slot: ChartSlot) -> FHIRResource {
        let group = slot.maxParticipants > 1 ? "Group session: \(slot.taken) of \(slot.maxParticipants) places taken." : "Individual session."
        return FHIRResource(
            "Slot", id: slot.id.fhirID, patient: nil, start: slot.start, end: slot.end,
            [
                ("serviceType", .array([codes.concept("procedure.rehab.\(slot.modality)") ?? .object(["text": .string(slot.modality)])])),
                ("schedule", FHIRJSON.reference("Schedule", "room-\(slot.roomId.fhirID)")),
                // A group with places left is still busy (booked); a cancelled session is left out (the
                // service does not know whether its room is free then).
                ("status", .string("busy")),
                ("start", FHIRJSON.dateTime(slot.start)), ("end", FHIRJSON.dateTime(slot.end)),
                ("comment", .string(group)),
            ])
    }

    /// The patient's place in a session: cancelled (the session or the place), fulfilled or no-show
    /// as recorded, else booked. The therapist, the room and the slot are named when the caller
    /// may see them (their clinic's staff).
    func appointment(_ session: ChartSession, patient: UUID, therapists: Set<UUID>, rooms: Set<UUID>) -> FHIRResource {
        let status: String =
            if session.slot.cancelled || session.placeCancelled { "cancelled" } else {
                switch session.attendance {
                case "attended": "fulfilled"
                case "no_show": "noshow"
                default: "booked"
                }
            }
        var participants: [JSONValue] = [participant(FHIRJSON.reference("Patient", patient))]
        let slot = session.slot
        let slotShown = rooms.contains(slot.roomId) && !slot.cancelled
        if let therapist = slot.therapistId, therapists.contains(therapist) {
            participants.append(participant(FHIRJSON.reference("Practitioner", therapist)))
        }
        if rooms.contains(slot.roomId) { participants.append(participant(FHIRJSON.reference("Location", slot.roomId))) }
        let delivered = session.minutesDelivered.map { "\($0) minutes delivered." }
        return FHIRResource(
            "Appointment", id: Self.appointmentID(session: slot.id, patient: patient), patient: patient, start: slot.start, end: slot.end,
            codes: codes.tokens("procedure.rehab.\(slot.modality)"),
            [
                ("status", .string(status)),
                ("serviceType", .array([codes.concept("procedure.rehab.\(slot.modality)") ?? .object(["text": .string(slot.modality)])])),
                ("start", FHIRJSON.dateTime(slot.start)), ("end", FHIRJSON.dateTime(slot.end)),
                ("minutesDuration", .number((slot.end.timeIntervalSince(slot.start) / 60).rounded())),
                ("slot", slotShown ? .array([FHIRJSON.reference("Slot", slot.id)]) : nil),
                ("basedOn", session.prescriptionId.map { .array([FHIRJSON.reference("ServiceRequest", $0)]) }),
                ("comment", FHIRJSON.string(delivered)),
                ("participant", .array(participants)),
            ])
    }

    /// An appointment's id: the session's and the patient's UUIDs in hex, 64 characters (FHIR's limit).
    static func appointmentID(session: UUID, patient: UUID) -> String {
        (session.fhirID + patient.fhirID).replacingOccurrences(of: "-", with: "")
    }

    /// The patient of an appointment id, and its session.
    static func appointment(_ id: String) -> (session: UUID, patient: UUID)? {
        guard id.count == 64 else { return nil }
        func uuid(_ hex: Substring) -> UUID? {
            let text = Array(hex)
            guard text.count == 32 else { return nil }
            return UUID(uuidString: "\(String(text[0..<8]))-\(String(text[8..<12]))-\(String(text[12..<16]))-\(String(text[16..<20]))-\(String(text[20..<32]))")
        }
        guard let session = uuid(id.prefix(32)), let patient = uuid(id.suffix(32)) else { return nil }
        return (session, patient)
    }

    private func participant(_ actor: JSONValue) -> JSONValue {
        .object(["actor": actor, "status": .string("accepted")])
    }
}

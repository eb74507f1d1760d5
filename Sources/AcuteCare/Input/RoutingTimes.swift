import Clinical

/// Travel and process times for choosing where an ambulance takes a suspected stroke:
/// the nearest stroke unit (IVT there, then transfer for thrombectomy: drip-and-ship) or the
/// thrombectomy centre (mothership). Minutes; the clock starts at last known well.
public struct RoutingTimes: Sendable, Equatable {
    /// Last known well to the ambulance being with the patient.
    public var lkwToSceneMin: Double
    /// The probability of a large-vessel occlusion (from a field scale); nil: from imaging if known.
    public var lvoProbability: Double?
    public var localDriveMin: Double
    public var localDoorToNeedleMin: Double
    public var localDoorInDoorOutMin: Double
    public var transferDriveMin: Double
    public var centreDriveMin: Double
    public var centreDoorToNeedleMin: Double
    public var centreDoorToPunctureMin: Double
    /// Door-to-puncture for a transferred patient (often shorter: imaged already); default as direct.
    public var centreTransferDoorToPunctureMin: Double

    /// The two options' onset-to-needle and onset-to-puncture times.
    public var dripAndShip: (needle: Double, puncture: Double) {
        let arrival = lkwToSceneMin + localDriveMin
        return (arrival + localDoorToNeedleMin, arrival + localDoorInDoorOutMin + transferDriveMin + centreTransferDoorToPunctureMin)
    }

    public var mothership: (needle: Double, puncture: Double) {
        let arrival = lkwToSceneMin + centreDriveMin
        return (arrival + centreDoorToNeedleMin, arrival + centreDoorToPunctureMin)
    }

    /// Reads `routing` from a presentation, naming every bad member.
    static func read(_ value: JSONValue?, into reader: inout InputReader) -> RoutingTimes? {
        guard let value, value != .null else { return nil }
        guard let members = value.object else {
            reader.report("routing", .routingNotObject)
            return nil
        }
        let minutes = Fact.minutes
        let scene = reader.number(members, "lkw_to_scene_min", path: "routing", in: minutes, required: true, unit: "min")
        let probability = reader.number(members, "lvo_probability", path: "routing", in: 0...1)
        let local = reader.object(members, "local", path: "routing", required: true)
        let centre = reader.object(members, "evt_centre", path: "routing", required: true)
        let localDrive = reader.number(local, "drive_min", path: "routing.local", in: minutes, required: true, unit: "min")
        let localNeedle = reader.number(local, "door_to_needle_min", path: "routing.local", in: minutes, required: true, unit: "min")
        let dido = reader.number(local, "door_in_door_out_min", path: "routing.local", in: minutes, required: true, unit: "min")
        let transfer = reader.number(members, "transfer_drive_min", path: "routing", in: minutes, required: true, unit: "min")
        let centreDrive = reader.number(centre, "drive_min", path: "routing.evt_centre", in: minutes, required: true, unit: "min")
        let centreNeedle = reader.number(centre, "door_to_needle_min", path: "routing.evt_centre", in: minutes, required: true, unit: "min")
        let puncture = reader.number(centre, "door_to_puncture_min", path: "routing.evt_centre", in: minutes, required: true, unit: "min")
        let transferPuncture = reader.number(centre, "transfer_door_to_puncture_min", path: "routing.evt_centre", in: minutes, unit: "min")
        guard let scene, let localDrive, let localNeedle, let dido, let transfer, let centreDrive, let centreNeedle, let puncture else { return nil }
        return RoutingTimes(
            lkwToSceneMin: scene, lvoProbability: probability, localDriveMin: localDrive, localDoorToNeedleMin: localNeedle,
            localDoorInDoorOutMin: dido, transferDriveMin: transfer, centreDriveMin: centreDrive, centreDoorToNeedleMin: centreNeedle,
            centreDoorToPunctureMin: puncture, centreTransferDoorToPunctureMin: transferPuncture ?? puncture
        )
    }
}

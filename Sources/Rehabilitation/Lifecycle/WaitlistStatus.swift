import Clinical

/// A waitlist entry's life: waiting → offered (a freed slot) → booked, or back to waiting
/// when the offer is declined or lapses; waiting → expired once the wanted-by day has passed.
///
/// The store's guarded updates take their statuses from here.
public enum WaitlistStatus: String, Sendable, Codable, CaseIterable {
    case waiting, offered, booked, expired

    /// Reads the status's name; another word is refused (422) naming the field.
    public init(from decoder: any Decoder) throws {
        self = try Refusal.decodeName(Self.self, from: decoder)
    }

    /// What can happen to an entry.
    public enum Event: Sendable, CaseIterable {
        /// A freed slot is offered to it.
        case offer
        /// The patient takes the offered slot.
        case accept
        /// The patient declines the offer.
        case decline
        /// The offer's time runs out.
        case lapse
        /// The wanted-by day passes with nothing booked.
        case expire
    }

    /// The status after `event`, or nil when `event` cannot happen in this status.
    public func after(_ event: Event) -> WaitlistStatus? {
        switch (self, event) {
        case (.waiting, .offer): .offered
        case (.offered, .accept): .booked
        case (.offered, .decline), (.offered, .lapse): .waiting
        case (.waiting, .expire): .expired
        default: nil
        }
    }

    /// Every status in which `event` can happen.
    public static func from(_ event: Event) -> [WaitlistStatus] {
        allCases.filter { $0.after(event) != nil }
    }

    /// The raw values of `from(event)`, for a guarded update.
    public static func names(from event: Event) -> [String] {
        from(event).map(\.rawValue)
    }
}

public import Foundation

/// A Swedish personal identity number (personnummer, Skatteverket SKV 704) or coordination
/// number (samordningsnummer, the day plus 60): twelve digits, century included. Written
/// `YYYYMMDD-NNNN`, `YYYYMMDDNNNN` or, the century left out, `YYMMDD-NNNN` (`+` for a
/// hundred years or more ago); the last digit is the Luhn check digit of the ten after the
/// century.
public struct PersonalIdentityNumber: Sendable, Equatable, CustomStringConvertible {
    /// The twelve digits.
    public let digits: String

    /// Reads a number as people write it; nil when it is not a valid one. A short form takes
    /// its century from `today` (the latest century in which the date is not in the future,
    /// or the one before with `+`).
    public init?(_ text: String, today: Date = Date()) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let characters = Array(trimmed)
        // The separator, if any, stands before the last four digits; only the short form may use `+`.
        var separator: Character?
        if characters.count >= 5, characters[characters.count - 5] == "-" || characters[characters.count - 5] == "+" {
            separator = characters[characters.count - 5]
        }
        let plain = String(characters.enumerated().filter { separator == nil || $0.offset != characters.count - 5 }.map(\.element))
        guard plain.allSatisfy({ $0.isASCII && $0.isNumber }), [10, 12].contains(plain.count) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Stockholm") ?? .gmt
        let now = calendar.dateComponents([.year, .month, .day], from: today)
        let todayNumber = (now.year ?? 0) * 10_000 + (now.month ?? 0) * 100 + (now.day ?? 0)
        var full = plain
        if plain.count == 10 {
            guard let short = Int(plain.prefix(6)) else { return nil }
            // The latest century in which the birth date is not after today; `+`: a hundred years before.
            var century = (now.year ?? 0) / 100 * 100
            if Self.birthNumber((century + short / 10_000) * 10_000 + short % 10_000) > todayNumber { century -= 100 }
            if separator == "+" { century -= 100 }
            full = String(century / 100) + plain
        } else if separator == "+" {
            return nil
        }
        guard Self.hasValidDate(full), let birth = Int(full.prefix(8)), Self.birthNumber(birth) <= todayNumber,
            Self.luhnValid(String(full.dropFirst(2)))
        else { return nil }
        digits = full
    }

    /// A birth date as YYYYMMDD, a coordination number's day less 60.
    static func birthNumber(_ yyyymmdd: Int) -> Int {
        yyyymmdd % 100 > 60 ? yyyymmdd - 60 : yyyymmdd
    }

    /// `YYYYMMDD-NNNN`.
    public var description: String { "\(digits.prefix(8))-\(digits.suffix(4))" }

    /// The birth date's parts are a real day (a coordination number's day less 60).
    static func hasValidDate(_ digits: String) -> Bool {
        let numbers = Array(digits)
        guard let year = Int(String(numbers[0..<4])), let month = Int(String(numbers[4..<6])), var day = Int(String(numbers[6..<8])) else { return false }
        if day > 60 { day -= 60 }
        var components = DateComponents(year: year, month: month, day: day)
        components.calendar = Calendar(identifier: .gregorian)
        return (1...12).contains(month) && day >= 1 && components.isValidDate && year >= 1850
    }

    /// The Luhn check of ten digits: doubling every other digit from the first.
    static func luhnValid(_ ten: String) -> Bool {
        let values = ten.compactMap(\.wholeNumberValue)
        guard values.count == 10 else { return false }
        let sum = values.enumerated().reduce(0) { total, item in
            let doubled = item.offset % 2 == 0 ? item.element * 2 : item.element
            return total + doubled / 10 + doubled % 10
        }
        return sum % 10 == 0
    }
}

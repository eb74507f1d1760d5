import AcuteCare
import Clinical
import Foundation

/// Reading JSON inputs for the CLI (one object, an array of objects, or JSON Lines) and
/// writing results.
enum JSONDocuments {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// The input documents of FILE or standard input, each parsed or failed on its own.
    static func read(_ file: String?) throws -> [Result<JSONValue, any Error>] {
        let data: Data
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else { throw Unreadable(description: "cannot read \(file)") }
            data = contents
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        if let whole = try? JSONParser.parse(data) {
            if case .array(let elements) = whole { return elements.map { .success($0) } }
            return [.success(whole)]
        }
        return data.split(separator: UInt8(ascii: "\n")).filter { !$0.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") } }.map { line in
            Result { () throws(any Error) -> JSONValue in
                do {
                    return try JSONParser.parse(line)
                } catch {
                    throw Unreadable(description: "\(error)")
                }
            }
        }
    }

    static func line(_ value: some JSONWritable) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }

    static func pretty(_ value: some JSONWritable) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(value.jsonBytes), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Names the bad input on standard error; in bench format also writes an error line so
    /// results stay aligned with inputs.
    static func reportError(_ error: any Error, input: Int, bench: Bool) {
        let message = (error as? InputProblems)?.description ?? String(describing: error)
        FileHandle.standardError.write(Data("input \(input): \(message)\n".utf8))
        var writer = JSONWriter()
        writer.object { $0.field("error", message) }
        if bench { Console.line(String(decoding: writer.bytes, as: UTF8.self)) }
    }
}

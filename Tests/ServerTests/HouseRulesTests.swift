import Foundation
import PostgresTestSupport
import Testing

/// The import rules of docs/architecture.md, checked on the sources: the vocabulary depends on
/// nothing, the domains decide without a database or HTTP, the server maps database errors in
/// one place only, and the production library carries no demo data.
@Suite struct HouseRulesTests {
    static func sources(_ target: String) throws -> [(file: String, text: String)] {
        let folder = TestPaths.projectRoot.appendingPathComponent("Sources/\(target)")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return try files.filter { $0.pathExtension == "swift" }.map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
    }

    static func imports(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index <= 1, words.count > index + 1 else { return nil }
                return String(words[index + 1])
            })
    }

    @Test func clinicalImportsOnlyFoundation() throws {
        let found = try Self.sources("Clinical").flatMap { Self.imports($0.text) }
        #expect(!found.isEmpty && Set(found).isSubset(of: ["Foundation"]), "\(Set(found))")
    }

    @Test(arguments: ["AcuteCare", "Rehabilitation", "Recovery", "Reporting"])
    func aDomainImportsNeitherTheDatabaseNorHTTP(target: String) throws {
        for (file, text) in try Self.sources(target) {
            let forbidden = Self.imports(text).intersection(["Postgres", "CLibPQ", "Storage", "Server", "Hummingbird", "Seed", "ProtocolLibrary"])
            #expect(forbidden.isEmpty, "\(target)/\(file) imports \(forbidden)")
        }
    }

    @Test func theServerMapsDatabaseErrorsInOnePlace() throws {
        for (file, text) in try Self.sources("Server") where !file.hasPrefix("Problem") {
            #expect(!text.contains("PostgresError"), "Server/\(file) handles PostgresError")
        }
    }

    @Test func storageCarriesNoDemoOrSyntheticData() throws {
        for (file, text) in try Self.sources("Storage") {
            #expect(!text.contains("Synthetic") && !text.contains("DemoData"), "Storage/\(file)")
        }
    }
}

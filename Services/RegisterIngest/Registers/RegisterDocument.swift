/// A register as a feed sends it, before any check: every field is kept as the text that arrived, so
/// that validation can report every problem at once, each with its location and value.
struct RegisterDocument: Sendable, Equatable, Decodable {
    struct Mark: Sendable, Equatable, Decodable {
        var upn: String?
        var code: String?
        var minutesLate: Int?
    }

    var schoolUrn: String?
    var date: String?
    var session: String?
    var marks: [Mark]?
    /// Where each part came from, for error locations: JSON paths by default, CSV line numbers for CSV.
    var locations = Locations.json

    enum CodingKeys: String, CodingKey { case schoolUrn, date, session, marks }

    /// How to name the place of a field in an error.
    struct Locations: Sendable, Equatable {
        var register: String
        var markPrefixes: [String]?

        static let json = Locations(register: "", markPrefixes: nil)

        func field(_ name: String) -> String { register.isEmpty ? name : "\(register).\(name)" }
        func mark(_ index: Int, _ name: String) -> String { "\(markPrefixes?[index] ?? "marks[\(index)]").\(name)" }
    }
}

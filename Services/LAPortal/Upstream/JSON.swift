import Foundation

/// A read-only walk through a decoded JSON value: `json["case"]["stage"].int`. A missing key or a wrong type reads
/// as nothing rather than failing, so a page shows what a service sent and leaves out what it did not.
struct JSON: @unchecked Sendable {
    let value: Any?

    init(_ value: Any?) { self.value = value }

    subscript(key: String) -> JSON { JSON((value as? [String: Any])?[key]) }
    subscript(index: Int) -> JSON {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSON(nil) }
        return JSON(array[index])
    }

    var array: [JSON] { (value as? [Any])?.map(JSON.init) ?? [] }
    var object: [String: JSON] { (value as? [String: Any])?.mapValues(JSON.init) ?? [:] }
    var string: String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
    var int: Int? { (value as? NSNumber)?.intValue ?? (value as? String).flatMap(Int.init) }
    var double: Double? { (value as? NSNumber)?.doubleValue }
    var bool: Bool? { value as? Bool }
    var exists: Bool { value != nil && !(value is NSNull) }
    /// The text, or a dash for a missing value.
    var text: String { string ?? "–" }
}

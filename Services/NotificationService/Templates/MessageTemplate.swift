import Foundation
import Mustache

/// One template: a key, a version and a language (shared/PATHWAY.md §4.2). The text is Mustache; `{{child}}`,
/// `{{school}}`, `{{phone}}`, `{{contactName}}` and the request's fields fill it.
struct MessageTemplate: Sendable {
    var key: String
    var version: Int
    var language: String
    var subject: String
    /// Paragraphs of the email or letter; the SMS is the first paragraph.
    var paragraphs: [String]
    /// A translated cover for a statutory letter (the English text stays the legal text).
    var isCover = false

    init(_ key: String, version: Int = 1, _ language: String, subject: String, _ paragraphs: [String], cover: Bool = false) {
        self.key = key
        self.version = version
        self.language = language
        self.subject = subject
        self.paragraphs = paragraphs
        self.isCover = cover
    }
}

/// What a template became for one recipient.
struct RenderedMessage: Sendable {
    var templateKey: String
    var version: Int
    var language: String
    var subject: String
    var text: String
    var html: String
    /// The paragraphs of `html` alone (a letter puts them under its address and date).
    var bodyHTML: String
    var sms: String
    /// Right to left (Urdu, Arabic).
    var rightToLeft: Bool
    /// The English subject and text: a letter's legal text, whatever the family's language.
    var englishSubject: String
    var englishParagraphs: [String]
}

enum TemplateError: Error, CustomStringConvertible {
    case unknown(String)
    case unparsable(key: String, language: String, reason: String)
    var description: String {
        switch self {
        case .unknown(let key): "no template '\(key)'"
        case .unparsable(let key, let language, let reason): "template \(key) (\(language)) does not parse: \(reason)"
        }
    }
}

import Foundation
import Mustache

/// Every template by key and language, English the fallback. A translated family message keeps one line in
/// English; a statutory letter in another language is the English legal text behind a translated cover.
struct TemplateCatalogue: Sendable {
    static let rightToLeft: Set<String> = ["ar", "ur", "he", "fa", "ps"]
    private let templates: [String: MessageTemplate]

    init(_ all: [MessageTemplate] = TemplateCatalogue.english + TemplateCatalogue.translations) throws {
        var index: [String: MessageTemplate] = [:]
        for template in all {
            for text in [template.subject] + template.paragraphs {
                do { _ = try MustacheTemplate(string: text) } catch {
                    throw TemplateError.unparsable(key: template.key, language: template.language, reason: "\(error)")
                }
            }
            index["\(template.key)/\(template.language)"] = template
        }
        templates = index
    }

    func knows(_ key: String) -> Bool { templates["\(key)/en"] != nil }

    /// The language to use: the contact's (BCP 47: `ur-PK` reads as `ur`) when a template exists in it, else English.
    func language(for key: String, preferred: String?) -> String {
        let primary = preferred?.split(separator: "-").first.map { $0.lowercased() } ?? "en"
        return templates["\(key)/\(primary)"] != nil ? primary : "en"
    }

    func render(_ key: String, language preferred: String?, values: [String: Any], statutory: Bool) throws -> RenderedMessage {
        guard let english = templates["\(key)/en"] else { throw TemplateError.unknown(key) }
        let language = language(for: key, preferred: preferred)
        let chosen = templates["\(key)/\(language)"] ?? english
        func fill(_ text: String, html: Bool) -> String {
            let template = (try? MustacheTemplate(string: (html ? "" : "{{% CONTENT_TYPE: TEXT}}") + text)) ?? (try! MustacheTemplate(string: ""))
            return template.render(values)
        }
        var paragraphs = chosen.paragraphs.map { fill($0, html: false) }
        // HTML paragraphs, each marked when it is English inside a translated message (it then runs left to right).
        var htmlParagraphs = chosen.paragraphs.map { (fill($0, html: true), false) }
        let rtl = Self.rightToLeft.contains(language)
        if language != "en" {
            if statutory || chosen.isCover {
                // The translated cover, then the whole English text: the legal text.
                paragraphs += ["— English (the legal text) —"] + english.paragraphs.map { fill($0, html: false) }
                htmlParagraphs += english.paragraphs.map { (fill($0, html: true), true) }
            } else {
                paragraphs.append("English: " + fill(english.paragraphs[0], html: false))
                htmlParagraphs.append(("English: " + fill(english.paragraphs[0], html: true), true))
            }
        }
        let subject = fill(chosen.subject, html: false)
        let direction = rtl ? "rtl" : "ltr"
        let body = htmlParagraphs.map { paragraph, isEnglish in
            isEnglish ? "<p lang=\"en\" dir=\"ltr\">\(paragraph)</p>" : "<p>\(paragraph)</p>"
        }.joined(separator: "\n")
        let html = """
            <!DOCTYPE html>
            <html lang="\(language)" dir="\(direction)">
            <head><meta charset="utf-8"><title>\(Self.escape(subject))</title></head>
            <body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5">
            \(body)
            </body>
            </html>
            """
        return RenderedMessage(templateKey: key, version: chosen.version, language: language, subject: subject,
                               text: paragraphs.joined(separator: "\n\n"), html: html, bodyHTML: body,
                               sms: sms(paragraphs.first ?? "", english: english, language: language, fill: { fill($0, html: false) }), rightToLeft: rtl,
                               englishSubject: fill(english.subject, html: false), englishParagraphs: english.paragraphs.map { fill($0, html: false) })
    }

    /// A text message: the first paragraph and, translated, an English line; shorter English lines, then English alone,
    /// when that would take more than three parts (non-Latin scripts go in 70-character parts).
    private func sms(_ first: String, english: MessageTemplate, language: String, fill: (String) -> String) -> String {
        let englishFirst = fill(english.paragraphs[0])
        guard language != "en" else { return SMSText.fitting([englishFirst]) }
        return SMSText.fitting([first + "\nEnglish: " + englishFirst, first + "\n" + fill("English: please call {{school}} on {{phone}}."), englishFirst])
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

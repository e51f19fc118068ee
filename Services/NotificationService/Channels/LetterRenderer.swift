import Foundation
import Logging
import ServiceRuntime

/// Letters as PDFs for GOV.UK Notify's precompiled letters, printed by headless Chromium from HTML: A4, no margins of
/// its own, the address in Notify's address block (24.6 mm from the left, 39.5 mm from the top, 95 × 26.8 mm), the
/// date and the letter below it. Chromium lays out every script the family's cover may be in (Urdu and Arabic right to
/// left), with the fonts the machine has (Debian's fonts-noto-core). `NOTIFY_PDF_RENDERER` names the Chromium binary.
struct LetterRenderer: Sendable {
    let chromium: String
    var timeout: Duration = .seconds(60)

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    static func html(address: [String], date: String, subject: String, body: String, language: String, rightToLeft: Bool) -> String {
        let lines = address.map(TemplateCatalogue.escape).joined(separator: "<br>")
        return """
            <!DOCTYPE html>
            <html lang="\(language)">
            <head><meta charset="utf-8"><title>\(TemplateCatalogue.escape(subject))</title>
            <style>
            @page { size: A4; margin: 0 }
            body { margin: 0; font-family: Arial, "Noto Sans", "Noto Sans Arabic", "Noto Sans Gurmukhi", "Noto Sans Bengali", sans-serif; font-size: 11pt; line-height: 1.4 }
            .address { position: absolute; left: 24.6mm; top: 39.5mm; width: 95mm; height: 26.8mm; overflow: hidden; font-size: 9pt; line-height: 1.15 }
            .letter { margin: 100mm 20mm 20mm 24.6mm }
            h1 { font-size: 12pt }
            </style></head>
            <body>
            <div class="address">\(lines)</div>
            <div class="letter" dir="\(rightToLeft ? "rtl" : "ltr")">
            <p dir="ltr">\(TemplateCatalogue.escape(date))</p>
            <h1 dir="auto">\(TemplateCatalogue.escape(subject))</h1>
            \(body)
            </div>
            </body>
            </html>
            """
    }

    /// Prints `html` to PDF; a Chromium that hangs is ended, and the letter tried again later.
    func pdf(_ html: String, logger: Logger) async throws -> Data {
        do { return try await HeadlessChromium(executable: chromium, timeout: timeout).pdf(html) } catch let failed as HeadlessChromium.Failed {
            throw Failed(description: failed.description)
        }
    }
}

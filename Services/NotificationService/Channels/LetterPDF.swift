import Foundation

/// A letter as a PDF for GOV.UK Notify's precompiled letters: A4, the address in the envelope window (Notify's
/// address block, 24.6 mm from the left and 39.5 mm from the top), the date, the subject and the text below it.
/// Statutory letters are in English (the legal text); the translated cover goes with the email copy.
/// Built by hand with the standard Helvetica font, which every PDF reader has, in Windows-1252.
struct LetterPDF {
    var address: [String]
    var date: String
    var subject: String
    var paragraphs: [String]

    private static let pageHeight = 842.0
    private static let left = 70.0
    private static let lineHeight = 14.0
    private static let wrapAt = 88

    func data() -> Data {
        var pages: [[(x: Double, y: Double, bold: Bool, text: String)]] = [[]]
        var y = Self.pageHeight - 112 // 39.5 mm
        for line in address {
            pages[0].append((Self.left, y, false, line))
            y -= Self.lineHeight
        }
        y = Self.pageHeight - 280
        pages[0].append((Self.left, y, false, date))
        y -= 2 * Self.lineHeight
        for line in Self.wrap(subject) {
            pages[0].append((Self.left, y, true, line))
            y -= Self.lineHeight
        }
        for paragraph in paragraphs {
            y -= Self.lineHeight / 2
            for line in paragraph.split(separator: "\n", omittingEmptySubsequences: false).flatMap({ Self.wrap(String($0)) }) {
                if y < 72 {
                    pages.append([])
                    y = Self.pageHeight - 72
                }
                pages[pages.count - 1].append((Self.left, y, false, line))
                y -= Self.lineHeight
            }
        }
        return Self.document(pages.map { page in
            page.map { String(format: "BT /%@ 11 Tf %.1f %.1f Td (%@) Tj ET", $0.bold ? "F2" : "F1", $0.x, $0.y, Self.escaped($0.text)) }.joined(separator: "\n")
        })
    }

    static func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + word.count + 1 > wrapAt {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        return lines + (current.isEmpty && !lines.isEmpty ? [] : [current])
    }

    /// A PDF string literal's content: Windows-1252 bytes, with `(`, `)` and `\` escaped and other bytes as octal.
    static func escaped(_ text: String) -> String {
        let bytes = text.data(using: .windowsCP1252, allowLossyConversion: true) ?? Data(text.utf8)
        return bytes.map { byte -> String in
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"): "\\" + String(UnicodeScalar(byte))
            case 32..<127: String(UnicodeScalar(byte))
            default: String(format: "\\%03o", byte)
            }
        }.joined()
    }

    /// Objects: 1 catalog, 2 pages, 3 and 4 fonts, then a page and its content stream for each page.
    static func document(_ contents: [String]) -> Data {
        var objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [\(contents.indices.map { "\(5 + 2 * $0) 0 R" }.joined(separator: " "))] /Count \(contents.count) >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        ]
        for (index, content) in contents.enumerated() {
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(6 + 2 * index) 0 R >>")
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(output.utf8)
    }
}

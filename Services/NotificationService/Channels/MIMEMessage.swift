import Foundation

/// An email as RFC 5322 / MIME text: a plain-text and an HTML part, and a calendar attachment when the message
/// carries an invitation. Every part is UTF-8 in base64, so no line of the body can be mistaken for SMTP's end of data.
struct MIMEMessage: Sendable {
    var fromName: String
    var fromAddress: String
    var to: String
    var subject: String
    var language: String
    var text: String
    var html: String
    /// An iCalendar document (`METHOD:REQUEST` or `CANCEL`) to attach.
    var calendar: (document: String, method: String)?
    /// `<idempotency key@helo name>`: the same message sent again has the same id, so a mail client can tell.
    var messageID: String
    var date: Date

    func rendered() -> String {
        let boundary = "=_" + messageID.prefix(24).filter { $0.isLetter || $0.isNumber }
        var headers = [
            "From: \(Self.encodedWord(fromName)) <\(fromAddress)>",
            "To: <\(to)>",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Language: \(language)",
            // Out-of-office replies are not sent to automatic mail (RFC 3834).
            "Auto-Submitted: auto-generated",
        ]
        let alternative = [
            part("text/plain; charset=utf-8", text),
            part("text/html; charset=utf-8", html),
        ]
        var body: [String]
        if let calendar {
            headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)-m\"")
            let inner = "Content-Type: multipart/alternative; boundary=\"\(boundary)-a\"\r\n\r\n" + multipart(alternative, boundary: "\(boundary)-a")
            let attachment = part("text/calendar; charset=utf-8; method=\(calendar.method)", calendar.document,
                                  extra: ["Content-Disposition: attachment; filename=\"invite.ics\""])
            body = [multipart([inner, attachment], boundary: "\(boundary)-m")]
        } else {
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)-a\"")
            body = [multipart(alternative, boundary: "\(boundary)-a")]
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body.joined()
    }

    private func part(_ contentType: String, _ content: String, extra: [String] = []) -> String {
        (["Content-Type: \(contentType)", "Content-Transfer-Encoding: base64"] + extra).joined(separator: "\r\n") + "\r\n\r\n" + Self.base64Lines(content)
    }

    private func multipart(_ parts: [String], boundary: String) -> String {
        parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n"
    }

    /// Base64 in lines of 76 characters (RFC 2045).
    static func base64Lines(_ content: String) -> String {
        let encoded = Data(content.utf8).base64EncodedString()
        var lines: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[index..<end])
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// A header value as an RFC 2047 encoded word when it is not plain ASCII (names, translated subjects).
    static func encodedWord(_ value: String) -> String {
        // By scalar: "\r\n" is one Character, and an ASCII one.
        if value.unicodeScalars.allSatisfy({ $0.isASCII && $0 != "\r" && $0 != "\n" }) { return value }
        // Encoded words are at most 75 characters: split the text into chunks of whole characters.
        var words: [String] = []
        var chunk = ""
        for character in value {
            if Data((chunk + String(character)).utf8).count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?utf-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

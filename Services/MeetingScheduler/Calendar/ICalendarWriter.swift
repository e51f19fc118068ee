import Foundation

/// iCalendar (RFC 5545) written by hand, carefully: CRLF line ends, lines folded at 75 octets without
/// splitting a UTF-8 character, text escaped, times in Europe/London with its full VTIMEZONE, DTSTAMP in
/// UTC. Invitations (RFC 5546) are the same document with `METHOD:REQUEST` or `CANCEL`.
///
/// Events carry the case reference and a link to the portal only: no pupil name, date of birth or school
/// name, because feeds reach phones.
struct ICalendarWriter {
    enum Method: String {
        case publish = "PUBLISH", request = "REQUEST", cancel = "CANCEL"
    }

    struct Attendee: Equatable {
        /// `CHAIR`, `REQ-PARTICIPANT`, `OPT-PARTICIPANT`.
        var role: String
        var name: String
        var email: String
    }

    struct Event: Equatable {
        /// `booking-<uuid>@<la-domain>`: never changes for a booking.
        var uid: String
        /// Rises on every change.
        var sequence: Int
        var stamp: Date
        var start: Date
        var end: Date
        var summary: String
        var url: String?
        var cancelled: Bool
        var organizer: Attendee?
        var attendees: [Attendee]
    }

    var method: Method
    var calendarName: String

    /// Europe/London: GMT in winter, BST from the last Sunday of March to the last Sunday of October.
    static let londonTimeZone = [
        "BEGIN:VTIMEZONE", "TZID:Europe/London",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST", "DTSTART:19700329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "TZNAME:GMT", "DTSTART:19701025T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]

    func document(_ events: [Event]) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Attendance Pathway//meeting-scheduler//EN", "CALSCALE:GREGORIAN",
                     "METHOD:\(method.rawValue)", "X-WR-CALNAME:\(Self.escape(calendarName))", "X-WR-TIMEZONE:Europe/London"]
        lines += Self.londonTimeZone
        for event in events {
            lines += [
                "BEGIN:VEVENT",
                "UID:\(event.uid)",
                "SEQUENCE:\(event.sequence)",
                "DTSTAMP:\(LondonTime.utcBasic(event.stamp))",
                "DTSTART;TZID=Europe/London:\(LondonTime.local(event.start).basic)",
                "DTEND;TZID=Europe/London:\(LondonTime.local(event.end).basic)",
                "SUMMARY:\(Self.escape(event.summary))",
                "STATUS:\(event.cancelled ? "CANCELLED" : "CONFIRMED")",
                "TRANSP:OPAQUE",
            ]
            if let url = event.url { lines.append("URL:\(url)") }
            if let organizer = event.organizer { lines.append("ORGANIZER;CN=\(Self.parameter(organizer.name)):mailto:\(organizer.email)") }
            for attendee in event.attendees {
                lines.append("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=\(attendee.role);PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\(Self.parameter(attendee.name)):mailto:\(attendee.email)")
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT values: backslash, semicolon, comma and newline escaped (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n", "\r\n": escaped += "\\n"
            case "\r": continue
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A parameter value: quoted, with any double quote (not allowed inside) dropped.
    static func parameter(_ text: String) -> String { "\"" + text.filter { $0 != "\"" && !$0.isNewline } + "\"" }

    /// Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with a space, and a
    /// multi-octet UTF-8 character is never split.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var pieces: [String] = [], current = "", limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if current.utf8.count + size > limit {
                pieces.append(current)
                current = ""
                limit = 74  // the leading space takes one octet
            }
            current.unicodeScalars.append(scalar)
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }
}

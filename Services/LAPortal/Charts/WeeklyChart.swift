import Foundation

/// Week-by-week attendance as an SVG bar chart, drawn on the server (no script). The chart is an image with a title
/// and a description that says what it shows; the same figures are in a table beside it, which is what a screen
/// reader user reads. Lines mark 90% (persistent absence at or below) and 50% (severe absence at or below).
struct WeeklyChart {
    struct Point {
        var label: String
        var rate: Double?
    }

    var id: String
    var title: String
    var points: [Point]
    /// A reference line besides the thresholds, such as the national attendance rate.
    var reference: (label: String, rate: Double)?

    func svg() -> String {
        let width = 640.0, height = 260.0, left = 44.0, right = 12.0, top = 16.0, bottom = 40.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let slot = plotWidth / Double(max(points.count, 1))
        func y(_ rate: Double) -> Double { top + plotHeight * (1 - rate / 100) }
        var parts: [String] = []
        parts.append(##"<svg class="chart" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="\##(Int(width))" height="\##(Int(height))" role="img" aria-labelledby="\##(id)-title \##(id)-desc" xmlns="http://www.w3.org/2000/svg">"##)
        parts.append(##"<title id="\##(id)-title">\##(Self.escape(title))</title>"##)
        parts.append(##"<desc id="\##(id)-desc">\##(Self.escape(description))</desc>"##)
        for tick in [0.0, 50, 90, 100] {
            let colour = tick == 90 ? "#d4351c" : tick == 50 ? "#942514" : "#b1b4b6"
            let dash = tick == 90 || tick == 50 ? #" stroke-dasharray="6 4""# : ""
            parts.append(##"<line x1="\##(left)" x2="\##(width - right)" y1="\##(y(tick))" y2="\##(y(tick))" stroke="\##(colour)" stroke-width="1"\##(dash)/>"##)
            parts.append(##"<text x="\##(left - 6)" y="\##(y(tick) + 4)" font-size="12" text-anchor="end" fill="#0b0c0c">\##(Int(tick))%</text>"##)
        }
        if let reference {
            parts.append(##"<line x1="\##(left)" x2="\##(width - right)" y1="\##(y(reference.rate))" y2="\##(y(reference.rate))" stroke="#00703c" stroke-width="2"/>"##)
        }
        for (index, point) in points.enumerated() {
            let x = left + Double(index) * slot
            if let rate = point.rate {
                let barTop = y(rate), colour = rate <= 50 ? "#942514" : rate <= 90 ? "#d4351c" : "#1d70b8"
                parts.append(##"<rect x="\##(x + slot * 0.15)" y="\##(barTop)" width="\##(slot * 0.7)" height="\##(top + plotHeight - barTop)" fill="\##(colour)"/>"##)
            }
            if points.count <= 14 || index % 2 == 0 {
                parts.append(##"<text x="\##(x + slot / 2)" y="\##(height - bottom + 16)" font-size="11" text-anchor="middle" fill="#0b0c0c">\##(Self.escape(point.label))</text>"##)
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    var description: String {
        let known = points.compactMap { point in point.rate.map { "\(point.label): \(PortalFormat.percent($0))" } }
        guard !known.isEmpty else { return "No school weeks with marks yet." }
        return "Attendance by week, " + known.joined(separator: "; ") + ". Dashed lines at 90% and 50%."
            + (reference.map { " The solid line is \($0.label), \(PortalFormat.percent($0.rate))." } ?? "")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// How the portal writes figures and dates for people.
enum PortalFormat {
    static func percent(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.1f%%", value)
    }

    /// "2 Mar" from "2026-03-02".
    static func shortDate(_ iso: String) -> String {
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month) else { return iso }
        return "\(day) \(months[month - 1])"
    }

    /// "2 March 2026" from "2026-03-02" (GOV.UK's date style).
    static func date(_ iso: String?) -> String {
        guard let iso else { return "–" }
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month) else { return iso }
        return "\(day) \(longMonths[month - 1]) \(parts[0])"
    }

    /// "2 March 2026, 09:30" from an ISO instant, in London time.
    static func dateTime(_ iso: String?) -> String {
        guard let iso, let instant = ISO8601DateFormatter().date(from: iso) else { return iso ?? "–" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.dateFormat = "d MMMM yyyy, HH:mm"
        return formatter.string(from: instant)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let longMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// "propose_stage_3" → "Propose stage 3".
    static func words(_ key: String) -> String {
        let spaced = key.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }
}

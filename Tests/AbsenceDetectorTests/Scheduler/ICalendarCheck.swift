import Foundation
import TestSupport

/// Calendar files read by an independent parser: Python's `icalendar` (in the project's virtual environment,
/// installed by deploy/local/setup) behind Tests/Tools/ics/ics_check.py, which also checks CRLF and folding.
enum ICalendarCheck {
    struct Result: Decodable {
        struct Event: Decodable {
            var uid: String
            var sequence: Int
            var status: String
            var summary: String
            var start: String
            var end: String
            var stamp: String
            var attendees: [String]
            var attendeeNames: [String]
        }

        var method: String
        var problems: [String]
        var events: [Event]
        /// The unfolded text, for checks that nothing private is in it.
        var text: String
    }

    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    static func read(_ documents: [String]) async throws -> [Result] {
        let environment = ProcessInfo.processInfo.environment
        let python = (environment["ATTENDANCE_VENV_DIR"] ?? root.appendingPathComponent(".venv").path) + "/bin/python"
        var files: [String] = []
        for document in documents {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).ics")
            try Data(document.utf8).write(to: file)
            files.append(file.path)
        }
        defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("Tests/Tools/ics/ics_check.py").path] + files
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        try await ServiceBinary.runToEnd(process)
        return try JSONDecoder().decode([Result].self, from: Data(contentsOf: output))
    }
}

import Foundation

/// Prints HTML to PDF with headless Chromium (`--print-to-pdf`), for the notification service's letters and the portal's
/// meeting packs. Chromium runs as a child process in a folder of its own; the task waits for it without holding a
/// thread, and a Chromium that hangs is stopped after `timeout`.
public struct HeadlessChromium: Sendable {
    public let executable: String
    public var timeout: Duration

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    public init(executable: String, timeout: Duration = .seconds(60)) {
        self.executable = executable
        self.timeout = timeout
    }

    public func pdf(_ html: String) async throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("page.html"), output = folder.appendingPathComponent("page.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(folder.path)/profile",
                             "--print-to-pdf=\(output.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let watchdog = Task { [timeout] in
            try await Task.sleep(for: timeout)
            if process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failed(description: "Chromium (\(executable)) could not be started: \(error)"))
            }
        }
        guard status == 0, let pdf = FileManager.default.contents(atPath: output.path), pdf.starts(with: Array("%PDF-".utf8)) else {
            throw Failed(description: "Chromium did not print the page (exit status \(status))")
        }
        return pdf
    }
}

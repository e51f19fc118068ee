import Foundation
import ServiceRuntime

@main
struct RegisterIngest {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let environment = ProcessInfo.processInfo.environment
        do {
            if let scope = try TokenCommand.scope(from: arguments) {
                try await TokenCommand.run(scope, environment: environment)
                return
            }
        } catch {
            FileHandle.standardError.write(Data("register-ingest: \(error)\n".utf8))
            exit(error is TokenCommand.UsageError ? 64 : 1)
        }
        guard arguments.isEmpty else {
            FileHandle.standardError.write(Data("register-ingest: unknown arguments \(arguments.joined(separator: " ")); \(TokenCommand.usage)\n".utf8))
            exit(64)
        }
        await ServiceMain.run(descriptor, environment: environment)
    }
}

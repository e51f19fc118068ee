import ServiceRuntime

@main
struct AbsenceDetector {
    static func main() async {
        await ServiceMain.main(descriptor, commands: ["rebuild": RebuildCommand.run])
    }
}

import ServiceRuntime

@main
struct AbsenceDetector {
    static func main() async {
        await ServiceMain.run(descriptor)
    }
}

import ServiceRuntime

@main
struct MeetingScheduler {
    static func main() async {
        await ServiceMain.run(descriptor)
    }
}

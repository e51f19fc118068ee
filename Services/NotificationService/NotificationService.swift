import ServiceRuntime

@main
struct NotificationService {
    static func main() async {
        await ServiceMain.run(descriptor)
    }
}

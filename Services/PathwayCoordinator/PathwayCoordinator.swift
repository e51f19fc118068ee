import ServiceRuntime

@main
struct PathwayCoordinator {
    static func main() async {
        await ServiceMain.run(descriptor)
    }
}

import ServiceRuntime

@main
struct RegisterIngest {
    static func main() async {
        await ServiceMain.main(descriptor)
    }
}

import CRdKafka

/// One call of `rd_kafka_produceva`: topic handle, key, value, headers, copied by librdkafka.
enum RDKafkaProduce {
    /// Queues the message; returns the refusal, or nil when queued. `id` comes back in the delivery report.
    static func produce(_ message: KafkaOutgoingMessage, id: UInt, topic: OpaquePointer, on handle: OpaquePointer) -> KafkaError? {
        // The C call only borrows these pointers; RD_KAFKA_MSG_F_COPY makes librdkafka copy what it keeps.
        withOptionalBytes(message.key) { key -> KafkaError? in
                message.value.withUnsafeBytes { value -> KafkaError? in
                    withHeaderStorage(message.headers) { headers -> KafkaError? in
                        withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 5 + headers.count) { arguments -> KafkaError? in
                            var count = 0
                            func add(_ build: (inout rd_kafka_vu_t) -> Void) {
                                var argument = rd_kafka_vu_t()
                                build(&argument)
                                arguments.initializeElement(at: count, to: argument)
                                count += 1
                            }
                            add { $0.vtype = RD_KAFKA_VTYPE_RKT; $0.u.rkt = topic }
                            add { $0.vtype = RD_KAFKA_VTYPE_MSGFLAGS; $0.u.i = RD_KAFKA_MSG_F_COPY }
                            if let key {
                                add { $0.vtype = RD_KAFKA_VTYPE_KEY; $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress); $0.u.mem.size = key.count }
                            }
                            add { $0.vtype = RD_KAFKA_VTYPE_VALUE; $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress); $0.u.mem.size = value.count }
                            add { $0.vtype = RD_KAFKA_VTYPE_OPAQUE; $0.u.ptr = UnsafeMutableRawPointer(bitPattern: id) }
                            // Headers one by one (RD_KAFKA_VTYPE_HEADER): librdkafka builds and owns the list, so
                            // no headers object of ours can be freed twice on the error path (librdkafka#4627).
                            for header in headers {
                                add { $0.vtype = RD_KAFKA_VTYPE_HEADER; $0.u.header.name = header.name; $0.u.header.val = header.value; $0.u.header.size = header.size }
                            }
                            defer { arguments.baseAddress!.deinitialize(count: count) }
                            // Returns nil when queued, else an error object we own.
                            guard let error = rd_kafka_produceva(handle, arguments.baseAddress, count) else { return nil }
                            return KafkaError.consuming(error)
                        }
                    }
                }
        }
    }

    private static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }

    typealias HeaderPointers = (name: UnsafePointer<CChar>, value: UnsafeRawPointer?, size: Int)

    /// Lays every header's NUL-terminated name and value out in one buffer for the call.
    private static func withHeaderStorage<R>(_ headers: [KafkaHeader], _ body: ([HeaderPointers]) -> R) -> R {
        guard !headers.isEmpty else { return body([]) }
        var storage: [UInt8] = []
        var offsets: [(name: Int, value: Int, size: Int)] = []
        for header in headers {
            let name = storage.count
            storage.append(contentsOf: header.name.utf8)
            storage.append(0)
            offsets.append((name, storage.count, header.value.count))
            storage.append(contentsOf: header.value)
        }
        return storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            return body(offsets.map { entry in
                (base.advanced(by: entry.name).assumingMemoryBound(to: CChar.self), entry.size == 0 ? nil : base.advanced(by: entry.value), entry.size)
            })
        }
    }
}

import CRdKafka
import Foundation

/// One call of `rd_kafka_produceva`: topic by name, key, value, headers, copied by librdkafka.
enum RDKafkaProduce {
    /// Queues the message; returns the refusal, or nil when queued. `id` comes back in the delivery report.
    static func produce(_ message: KafkaOutgoingMessage, id: UInt, on handle: OpaquePointer) -> KafkaError? {
        // Everything the C call points at lives in one scratch buffer for the duration of the call;
        // RD_KAFKA_MSG_F_COPY makes librdkafka copy what it keeps.
        var layout: [(offset: Int, count: Int)] = []
        var scratch: [UInt8] = []
        func append(_ bytes: some Collection<UInt8>, nulTerminated: Bool = false) {
            layout.append((scratch.count, bytes.count))
            scratch.append(contentsOf: bytes)
            if nulTerminated { scratch.append(0) }
        }
        append(message.topic.utf8, nulTerminated: true)
        append(message.key ?? [])
        append(message.value)
        for header in message.headers {
            append(header.name.utf8, nulTerminated: true)
            append(header.value)
        }
        return scratch.withUnsafeMutableBytes { raw -> KafkaError? in
            let base = raw.baseAddress!
            func pointer(_ index: Int) -> UnsafeMutableRawPointer { base + layout[index].offset }
            var arguments: [rd_kafka_vu_t] = []
            arguments.reserveCapacity(5 + message.headers.count)
            var topic = rd_kafka_vu_t()
            topic.vtype = RD_KAFKA_VTYPE_TOPIC
            topic.u.cstr = UnsafePointer(pointer(0).assumingMemoryBound(to: CChar.self))
            arguments.append(topic)
            var flags = rd_kafka_vu_t()
            flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
            flags.u.i = RD_KAFKA_MSG_F_COPY
            arguments.append(flags)
            if message.key != nil {
                var key = rd_kafka_vu_t()
                key.vtype = RD_KAFKA_VTYPE_KEY
                key.u.mem.ptr = pointer(1)
                key.u.mem.size = layout[1].count
                arguments.append(key)
            }
            var value = rd_kafka_vu_t()
            value.vtype = RD_KAFKA_VTYPE_VALUE
            value.u.mem.ptr = layout[2].count == 0 ? nil : pointer(2)
            value.u.mem.size = layout[2].count
            arguments.append(value)
            var opaque = rd_kafka_vu_t()
            opaque.vtype = RD_KAFKA_VTYPE_OPAQUE
            opaque.u.ptr = UnsafeMutableRawPointer(bitPattern: id)
            arguments.append(opaque)
            // Headers one by one (RD_KAFKA_VTYPE_HEADER): librdkafka builds and owns the list, so no
            // headers object of ours can be freed twice on the error path (librdkafka#4627).
            for index in message.headers.indices {
                var header = rd_kafka_vu_t()
                header.vtype = RD_KAFKA_VTYPE_HEADER
                header.u.header.name = UnsafePointer(pointer(3 + index * 2).assumingMemoryBound(to: CChar.self))
                header.u.header.val = UnsafeRawPointer(pointer(4 + index * 2))
                header.u.header.size = layout[4 + index * 2].count
                arguments.append(header)
            }
            // Returns nil when queued, else an error object we own.
            guard let error = rd_kafka_produceva(handle, arguments, arguments.count) else { return nil }
            return KafkaError.consuming(error)
        }
    }
}

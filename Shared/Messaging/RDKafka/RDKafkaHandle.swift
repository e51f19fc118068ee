import CRdKafka
import Foundation
import Logging
import Synchronization

/// Owns one `rd_kafka_t` and destroys it.
///
/// librdkafka calls back into Swift (logs, delivery reports, statistics, rebalances) with the handle's
/// opaque pointer, which is this handle's ``RDKafkaCallbacks``; the handle keeps it alive until destroyed.
final class RDKafkaHandle: @unchecked Sendable {
    /// `@unchecked`: the pointer is only used through librdkafka's thread-safe API, and destroyed once.
    let pointer: OpaquePointer
    let callbacks: RDKafkaCallbacks
    private let retainedCallbacks: Unmanaged<RDKafkaCallbacks>
    private let destroyed = Atomic<Bool>(false)

    init(type: rd_kafka_type_t, properties: [String: String], callbacks: RDKafkaCallbacks) throws(KafkaError) {
        try KafkaVersion.checkSupported()
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)  // we still own conf: rd_kafka_new was never called
                throw .configuration("Kafka property \(key): \(String(cBuffer: errorText))")
            }
        }
        let retained = Unmanaged.passRetained(callbacks)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        callbacks.install(on: conf)
        // On success rd_kafka_new takes ownership of conf; on failure the caller still owns it.
        guard let pointer = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw .configuration("cannot create the Kafka client: \(String(cBuffer: errorText))")
        }
        self.pointer = pointer
        self.callbacks = callbacks
        self.retainedCallbacks = retained
    }

    /// Destroys the handle now. `RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE` leaves the group the way a crashed
    /// process would: without committing or saying goodbye. Later calls, and deinit, do nothing.
    func destroy(flags: Int32 = 0) {
        guard !destroyed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        rd_kafka_destroy_flags(pointer, flags)
    }

    deinit {
        // Callbacks may still fire during destroy (final delivery reports), so release them after.
        let remains = Remains(pointer: pointer, callbacks: retainedCallbacks)
        guard !destroyed.exchange(true, ordering: .acquiringAndReleasing) else { return remains.callbacks.release() }
        // rd_kafka_destroy blocks (it joins librdkafka's threads; a consumer leaves its group) and the last
        // reference may be dropped on the cooperative pool, so it runs on a thread of its own.
        Thread.detachNewThread {
            rd_kafka_destroy(remains.pointer)
            remains.callbacks.release()
        }
    }

    /// What a detached destroy needs: `@unchecked` because nothing else uses the handle by then.
    private struct Remains: @unchecked Sendable {
        let pointer: OpaquePointer
        let callbacks: Unmanaged<RDKafkaCallbacks>
    }

    /// The callbacks object of a handle, from the opaque pointer librdkafka hands to a C callback.
    static func callbacks(of handle: OpaquePointer?) -> RDKafkaCallbacks? {
        guard let handle, let opaque = rd_kafka_opaque(handle) else { return nil }
        return Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }
}

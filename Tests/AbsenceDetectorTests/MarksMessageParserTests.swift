@testable import AbsenceDetector
import Events
import Foundation
import Testing

/// The fast path must read exactly what `JSONDecoder` reads, or step aside.
struct MarksMessageParserTests {
    @Test func itReadsWhatTheEncoderWritesIncludingTheBackslashCode() throws {
        let recorded = EventEnvelope(type: MarksRecorded.type, schemaVersion: 1, source: "register-ingest", key: "100000",
                                     data: MarksRecorded(schoolUrn: "100000", date: "2026-09-07", session: "PM",
                                                         marks: [.init(upn: "B801200005001", code: "\\"), .init(upn: "A801200006002", code: "N")]))
        let bytes = try EventCodec.encode(recorded)
        let parsed = try #require(MarksMessageParser.parse(bytes))
        let decoded = try EventCodec.decode(MarksMessage.self, from: bytes)
        #expect(parsed.type == MarksRecorded.type)
        #expect(parsed.message == decoded.data)
        #expect(parsed.message.marks?.first?.code == "\\")

        let amended = EventEnvelope(type: MarksAmended.type, schemaVersion: 1, source: "register-ingest", key: "100000",
                                    data: MarksAmended(schoolUrn: "100000", date: "2026-09-07", session: "AM",
                                                       amendments: [.init(upn: "B801200005001", previousCode: "N", code: "I")]))
        let amendedBytes = try EventCodec.encode(amended)
        #expect(MarksMessageParser.parse(amendedBytes)?.message == (try EventCodec.decode(MarksMessage.self, from: amendedBytes)).data)
    }

    @Test func anythingUnexpectedIsLeftToTheFullDecoder() {
        for text in [
            #"{"type":"x","data":{"schoolUrn":"1","date":"d","session":"AM","marks":[{"upn":"\u0041","code":"/"}]}}"#,  // \u escape
            #"{"type":"x","data":{"schoolUrn":"1","date":"d","session":"AM","marks":[]}} trailing"#,
            #"{"type":"x","data":{"schoolUrn":"1","date":"d"}}"#,  // no session
            #"{"type":"x","data":{"schoolUrn":"1","date":"d","session":"AM","marks":[{"upn":"a"}]}}"#,  // no code
            #"{"type":"x","data""#,
            "",
        ] {
            #expect(MarksMessageParser.parse(Array(text.utf8)) == nil, "\(text)")
        }
        let spaced = #" { "id" : 1.5e3 , "type" : "t" , "extra" : [ {"a": [null, true]} ] , "data" : { "schoolUrn" : "1" , "date" : "d" , "session" : "AM" } } "#
        #expect(MarksMessageParser.parse(Array(spaced.utf8))?.message.schoolUrn == "1")
    }
}

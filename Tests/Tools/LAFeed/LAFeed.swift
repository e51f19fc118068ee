import AsyncHTTPClient
import AttendanceDomain
import Events
import Foundation
import NIOCore
import NIOHTTP1
import SyntheticLA

/// Sends a generated local authority to register-ingest exactly as an MIS connector would: each school's
/// roster (`PUT /v1/schools/{urn}/pupils`), then day by day the registers taken at registration, those
/// sent late, and the amendments (`POST /v1/registers`), with the LA connector token. Prints progress.
///
///     la-feed [--seed N] [--schools N] [--pupils N] [--year] [--ingest URL] [--concurrency N]
///
/// The token comes from `INGEST_CONNECTOR_TOKEN`.
@main
struct LAFeed {
    static func main() async {
        do {
            try await run(try FeedOptions(CommandLine.arguments.dropFirst(), environment: ProcessInfo.processInfo.environment))
        } catch let error as FeedOptions.Problem {
            FileHandle.standardError.write(Data("la-feed: \(error.message)\n".utf8))
            exit(64)
        } catch {
            FileHandle.standardError.write(Data("la-feed failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: FeedOptions) async throws {
        let la = SyntheticLA(seed: options.seed, schoolCount: options.schools, pupilCount: options.pupils)
        let calendar = options.fullYear ? TermCalendar.year2025to26 : TermCalendar.summer2026
        let term = TermRegisters(la: la, calendar: calendar, seed: options.seed)
        let client = IngestClient(base: options.ingest, token: options.token)
        print("la-feed: \(la.schools.count) schools, \(la.pupils.count) pupils, \(term.days.count) school days "
              + "(\(calendar.schoolDays.first!.iso) to \(calendar.schoolDays.last!.iso)), seed \(options.seed)")
        for school in la.schools {
            try await client.put("/v1/schools/\(school.urn)/pupils", RosterBody(school: school, la: la))
        }
        print("la-feed: rosters sent")
        let start = ContinuousClock.now
        var marks = 0
        for (index, day) in term.days.enumerated() {
            // Registration first, then the late registers, then the amendments of earlier days.
            for batch in [day.onTime, day.late, day.amendments] {
                marks += try await client.postAll(batch, concurrency: options.concurrency)
            }
            if index % 5 == 4 || index == term.days.count - 1 {
                let seconds = start.duration(to: .now)
                let rate = Double(marks) / (Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18)
                print("la-feed: day \(index + 1)/\(term.days.count) (\(day.date.iso)): \(marks) marks sent, \(Int(rate)) marks/s")
            }
        }
        print("la-feed: done, \(marks) marks in \(term.days.flatMap(\.all).count) registers")
        try await client.http.shutdown()
    }
}

/// The roster document of the register-ingest contract.
struct RosterBody: Encodable {
    struct Pupil: Encodable {
        var upn, forename, surname, dateOfBirth, yearGroup, admissionDate: String
        var flags: PupilProfile.Flags
        var familyId: String?
        var contacts: [PupilContact]
    }
    var pupils: [Pupil]

    init(school: SyntheticLA.School, la: SyntheticLA) {
        pupils = school.pupils.map { index in
            let pupil = la.pupils[index], profile = pupil.profile
            return Pupil(upn: profile.upn, forename: profile.forename, surname: profile.surname, dateOfBirth: profile.dateOfBirth,
                         yearGroup: profile.yearGroup, admissionDate: profile.admissionDate, flags: profile.flags,
                         familyId: profile.familyId, contacts: pupil.contacts)
        }
    }
}

/// The register document of the register-ingest contract.
struct RegisterBody: Encodable {
    struct Mark: Encodable { var upn, code: String }
    var schoolUrn, date, session: String
    var marks: [Mark]

    init(_ register: TermRegisters.Register) {
        schoolUrn = register.schoolUrn
        date = register.date.iso
        session = register.half.rawValue
        marks = register.marks.map { Mark(upn: $0.upn, code: $0.code) }
    }
}

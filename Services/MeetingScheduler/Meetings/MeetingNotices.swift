import Events
import Foundation
import Logging
import PostgresNIO
import Storage

/// What a family meeting or a TSM sends when it is arranged, moved or cancelled, in the transaction of the change:
/// a calendar invitation to each member of staff (`REQUEST` or `CANCEL`) and, for a family meeting, a letter to each
/// parent with parental responsibility (the notification service sends each its own) with the event to keep, plus
/// `meeting.family-meeting-changed` for the case's chronology.
enum MeetingNotices {
    /// The staff's calendar event: the case reference or the school's URN and a portal link, nothing about the pupil.
    static func staffEvent(_ meeting: Meeting, settings: SchedulerSettings) -> ICalendarWriter.Event {
        let summary: String, url: String
        if let caseID = meeting.caseId {
            // "interpreter booked", not the language: a feed on a phone should not say a family's language.
            summary = "Family meeting (\(meeting.kind.purpose)) – case \(caseID)" + (meeting.interpreterLanguage == nil ? "" : " – interpreter booked")
            url = "\(settings.portalURL)/cases/\(caseID)"
        } else {
            summary = "Targeting support meeting – school \(meeting.schoolUrn)"
            url = "\(settings.portalURL)/schools/\(meeting.schoolUrn)/pack"
        }
        return ICalendarWriter.Event(
            uid: "\(meeting.uid)@\(settings.domain)", sequence: meeting.sequence, stamp: Date(), start: meeting.startsAt, end: meeting.endsAt,
            summary: summary, url: url, cancelled: meeting.status == "cancelled",
            organizer: .init(role: "CHAIR", name: meeting.organiser, email: settings.email(meeting.organiser)),
            attendees: meeting.staff.filter { $0 != meeting.organiser }.map { .init(role: "REQ-PARTICIPANT", name: $0, email: settings.email($0)) })
    }

    /// The family's copy: an event to keep in their own calendar (`PUBLISH`), with no staff addresses and no link.
    static func familyEvent(_ meeting: Meeting, settings: SchedulerSettings) -> ICalendarWriter.Event {
        ICalendarWriter.Event(uid: "\(meeting.uid)@\(settings.domain)", sequence: meeting.sequence, stamp: Date(), start: meeting.startsAt, end: meeting.endsAt,
                              summary: "Meeting with the local authority about school attendance", url: nil, cancelled: meeting.status == "cancelled",
                              organizer: nil, attendees: [])
    }

    static func announce(_ meeting: Meeting, change: FamilyMeetingChanged.Change, reason: String?, settings: SchedulerSettings,
                         on connection: PostgresConnection, logger: Logger) async throws {
        var messages: [OutboxMessage] = []
        let cancelled = meeting.status == "cancelled"
        let when = LondonTime.span(meeting.startsAt, meeting.endsAt)
        if [.invited, .moved, .cancelled].contains(change) {
            let method: ICalendarWriter.Method = cancelled ? .cancel : .request
            let invitation = ICalendarWriter(method: method, calendarName: meeting.kind == .tsm ? "Targeting support meetings" : "Family meetings")
                .document([staffEvent(meeting, settings: settings)])
            let title = meeting.caseId.map { "family meeting, case \($0)" } ?? "targeting support meeting, school \(meeting.schoolUrn)"
            for person in Set([meeting.organiser] + meeting.staff).sorted() {
                var fields = ["recipient": person, "email": settings.email(person), "ics": invitation, "method": method.rawValue, "title": title, "when": when]
                if let language = meeting.interpreterLanguage { fields["interpreter"] = language }
                if let reason { fields["reason"] = reason }
                let request = NotificationRequested(
                    requestId: "\(meeting.meetingId.uuidString.lowercased())-\(meeting.sequence)-\(person)", caseId: meeting.caseId, schoolUrn: meeting.schoolUrn,
                    upn: meeting.upn ?? "", templateKey: cancelled ? "meeting_cancelled" : "meeting_invitation",
                    audience: person.contains("@") ? .leadProfessional : .laOfficer, fields: fields)
                messages.append(try Bookings.message(request, type: NotificationRequested.type, version: NotificationRequested.version,
                                                     topic: TopicCatalogue.notificationRequests, key: meeting.schoolUrn))
            }
        }
        if let caseID = meeting.caseId, let upn = meeting.upn {
            let missed = try await MeetingStore.missed(case: caseID, on: connection, logger: logger)
            if [.invited, .moved, .cancelled].contains(change) {
                let keep = ICalendarWriter(method: .publish, calendarName: "School attendance meeting").document([familyEvent(meeting, settings: settings)])
                var fields = ["meetingDate": LondonTime.longDate(LondonTime.local(meeting.startsAt).date), "when": when, "purpose": meeting.kind.purpose,
                              "ics": keep, "method": "PUBLISH"]
                if let language = meeting.interpreterLanguage { fields["interpreter"] = language }
                if change == .moved { fields["moved"] = "yes" }
                if missed > 0 { fields["reinvited"] = "yes" }
                messages.append(try familyLetter(meeting, upn: upn, key: cancelled ? "family_meeting_cancelled" : "family_meeting_invitation",
                                                 suffix: "\(meeting.sequence)", statutory: false, fields: fields))
            }
            if change == .didNotAttend && missed >= 2 {
                // The second missed meeting: the "failed to attend" letter, by post to each parent (shared/PATHWAY.md §3.2).
                messages.append(try familyLetter(meeting, upn: upn, key: "family_meeting_failed_to_attend", suffix: "failed-to-attend", statutory: true,
                                                 fields: ["meetingDate": LondonTime.longDate(LondonTime.local(meeting.startsAt).date), "purpose": meeting.kind.purpose,
                                                          "missed": String(missed)]))
            }
            let event = FamilyMeetingChanged(caseId: caseID, upn: upn, schoolUrn: meeting.schoolUrn, meetingId: meeting.meetingId.uuidString.lowercased(), kind: meeting.kind.rawValue, change: change,
                                             startsAt: meeting.startsAt.formatted(.iso8601), endsAt: meeting.endsAt.formatted(.iso8601), missed: missed, reason: reason)
            messages.append(try Bookings.message(event, type: FamilyMeetingChanged.type, version: FamilyMeetingChanged.version,
                                                 topic: TopicCatalogue.meetingsBooked, key: caseID))
        }
        try await Outbox.enqueue(messages, on: connection, logger: logger)
    }

    /// One request for the family: the notification service writes to each parent with parental responsibility separately.
    static func familyLetter(_ meeting: Meeting, upn: String, key: String, suffix: String, statutory: Bool, fields: [String: String]) throws -> OutboxMessage {
        let request = NotificationRequested(requestId: "\(meeting.meetingId.uuidString.lowercased())-family-\(suffix)", caseId: meeting.caseId,
                                            schoolUrn: meeting.schoolUrn, upn: upn, templateKey: key, audience: .parent, statutory: statutory, fields: fields,
                                            causedBy: meeting.organiser)
        return try Bookings.message(request, type: NotificationRequested.type, version: NotificationRequested.version,
                                    topic: TopicCatalogue.notificationRequests, key: meeting.schoolUrn)
    }
}

import Events
import Foundation

/// Decides who gets what, on which channel and when, for a signal or a request (shared/PATHWAY.md §4.1–4.5).
/// Pure: the handler gives it the pupil, their contacts, the school and the time.
struct MessagePlanner: Sendable {
    let settings: NotificationSettings
    var window: SendWindow { SendWindow(settings: settings) }

    struct Context: Sendable {
        var eventID: UUID
        var now: Date
        var pupil: ContactBook.Pupil?
        var contacts: [Contact]
        var school: ContactBook.School?
    }

    /// What a signal asks for: messages to plan, and earlier messages to cancel.
    struct SignalPlan: Sendable {
        var messages: [PlannedMessage] = []
        /// (`first_day` on this session date | `support`, the status to give them).
        var cancelFirstDayOn: String?
        var cancelSupport = false
        /// For the school's morning digest: a first-day that came too late to send, a family nobody can reach.
        var digestItems: [String] = []
    }

    func plan(_ signal: AttendanceSignal, _ context: Context) -> SignalPlan {
        var plan = SignalPlan()
        let date = String(signal.asOf.prefix(10))
        let lookedAfter = context.pupil?.lookedAfter ?? false
        let socialWorker = lookedAfter || (context.pupil?.hasSocialWorker ?? false)
        func message(_ kind: MessageKind, _ template: String, _ audience: String, _ contact: Contact?, _ channel: Channel,
                     status: String = "queued", detail: String? = nil, due: Date, stale: Date? = nil) -> PlannedMessage {
            PlannedMessage(sourceEvent: context.eventID, requestId: nil, caseId: nil, schoolUrn: signal.schoolUrn, upn: signal.upn, kind: kind, templateKey: template,
                           audience: audience, contactKey: contact?.key, channel: channel, statutory: false, fields: fields(signal), sessionDate: date,
                           status: status, detail: detail, dueAt: due, staleAt: stale)
        }
        func professionals(_ template: String) {
            for worker in context.contacts where worker.isSocialWorker && worker.email != nil {
                plan.messages.append(message(.professional, template, "social_worker", worker, .email, due: context.now))
            }
            if lookedAfter, settings.virtualSchoolEmail != nil {
                plan.messages.append(message(.professional, template, "virtual_school", nil, .email, due: context.now))
            }
        }
        switch signal.kind {
        case .firstDayAbsence:
            let window = window.firstDay(session: signal.asOf, now: context.now)
            for (contact, refusal) in family(context.contacts, lookedAfter: lookedAfter) {
                if let refusal {
                    plan.messages.append(message(.firstDay, "first_day_absence", audience(contact), contact, .sms, status: refusal, due: context.now))
                    continue
                }
                guard let channel = firstDayChannel(contact) else {
                    plan.digestItems.append("\(signal.upn): no valid UK mobile or email for contact \(contact.key) (first-day message not sent): please update the contact")
                    continue
                }
                if let window {
                    plan.messages.append(message(.firstDay, "first_day_absence", audience(contact), contact, channel, due: window.due, stale: window.stale))
                } else {
                    plan.messages.append(message(.firstDay, "first_day_absence", audience(contact), contact, channel, status: "cancelled_stale",
                                                 detail: "learned of after \(SendWindow.clock(settings.firstDayLastAt)): in the school's digest", due: context.now))
                }
            }
            if window == nil { plan.digestItems.append("\(signal.upn): unexplained absence \(signal.asOf); the family was not messaged (too late in the day)") }
            if socialWorker { professionals("professional_absence") }
        case .firstDayAbsenceExplained:
            plan.cancelFirstDayOn = date
        case .emergingPersistentAbsence, .persistentAbsence, .severeAbsence:
            let due = window.supportBatch(after: context.now)
            for (contact, refusal) in family(context.contacts, lookedAfter: lookedAfter) {
                plan.messages.append(message(.support, "attendance_support", audience(contact), contact, supportChannel(contact),
                                             status: refusal ?? "queued", due: due))
            }
            if socialWorker && signal.kind != .emergingPersistentAbsence { professionals("professional_threshold") }
            if signal.kind == .severeAbsence {
                // The school's attendance lead hears of each new severe absence in the morning digest.
                plan.digestItems.append("\(signal.upn): now severely absent (attendance \(fields(signal)["attendanceRate"] ?? "?")% this year)")
            }
        case .lookedAfterAbsenceThreshold:
            professionals("professional_threshold")
        case .recovered:
            plan.cancelSupport = true
        default:
            break
        }
        return plan
    }

    /// A pathway or scheduler request: to the named parent (each separately for statutory letters), or to a professional.
    func plan(_ request: NotificationRequested, _ context: Context) -> [PlannedMessage] {
        let kind: MessageKind = request.statutory ? .legal : (request.audience == .parent ? .support : .professional)
        var fields = request.fields
        fields["upn"] = request.upn
        if let caseID = request.caseId, fields["caseId"] == nil { fields["caseId"] = caseID }
        func message(_ audience: String, _ contact: Contact?, _ channel: Channel, status: String = "queued", detail: String? = nil) -> PlannedMessage {
            PlannedMessage(sourceEvent: context.eventID, requestId: request.requestId, caseId: request.caseId, schoolUrn: request.schoolUrn, upn: request.upn,
                           kind: kind, templateKey: request.templateKey, audience: audience, contactKey: contact?.key, channel: channel, statutory: request.statutory,
                           fields: fields, sessionDate: nil, status: status, detail: detail, dueAt: context.now)
        }
        switch request.audience {
        case .parent:
            // A family meeting is arranged by an officer naming the pupil and school: a pupil not on that school's roll is
            // someone else's family, and is not written to.
            if request.templateKey.hasPrefix("family_meeting"), let pupil = context.pupil, pupil.schoolUrn != request.schoolUrn {
                return [message("parent", nil, .letter, status: "failed", detail: "pupil \(request.upn) is not on school \(request.schoolUrn)'s roll")]
            }
            let chosen = context.contacts.filter { request.contactId == nil ? $0.parentalResponsibility : $0.key == request.contactId }
            guard !chosen.isEmpty else {
                return [message("parent", nil, .letter, status: "failed", detail: "contact \(request.contactId ?? "with parental responsibility") is not on the roster")]
            }
            var planned: [PlannedMessage] = []
            for contact in chosen {
                if contact.restricted { planned.append(message("parent", contact, .letter, status: "suppressed_restricted")); continue }
                if request.statutory {
                    // Legal letters go by first-class post to each parent, and by email too when one is held.
                    planned.append(message("parent", contact, .letter, status: contact.postalAddress == nil ? "failed" : "queued",
                                           detail: contact.postalAddress == nil ? "no postal address on the roster" : nil))
                    if contact.email != nil { planned.append(message("parent", contact, .email)) }
                } else {
                    planned.append(message("parent", contact, supportChannel(contact)))
                }
            }
            return planned
        case .socialWorker:
            return context.contacts.filter { $0.isSocialWorker && $0.email != nil }.map { message("social_worker", $0, .email) }
        case .virtualSchool:
            return settings.virtualSchoolEmail == nil ? [] : [message("virtual_school", nil, .email)]
        case .schoolLead, .laOfficer, .leadProfessional:
            // No message to the person whose own action caused it (shared/PATHWAY.md §4.1).
            if let causedBy = request.causedBy, causedBy == request.fields["recipient"] {
                return [message(request.audience.rawValue, nil, .email, status: "suppressed_own_action")]
            }
            return [message(request.audience.rawValue, nil, .email)]
        }
    }

    /// The family members a family message goes to, each with the status that stops it (restricted; a birth parent of a
    /// child looked after), or nil. A child looked after: their carers; otherwise parents and carers with parental responsibility.
    func family(_ contacts: [Contact], lookedAfter: Bool) -> [(Contact, String?)] {
        contacts.filter { !$0.isSocialWorker && ($0.parentalResponsibility || $0.isCarer) }.map { contact in
            if contact.restricted { return (contact, "suppressed_restricted") }
            if lookedAfter && !contact.isCarer { return (contact, "suppressed_looked_after") }
            return (contact, nil)
        }
    }

    func audience(_ contact: Contact) -> String { contact.isCarer ? "carer" : "parent" }

    /// First-day: SMS to a valid UK mobile, else email.
    func firstDayChannel(_ contact: Contact) -> Channel? {
        if let mobile = contact.mobile, ContactAddress.ukMobile(mobile) != nil { return .sms }
        return contact.email != nil ? .email : nil
    }

    /// Support: the contact's preferred channel when it can be used, else email, SMS, post in that order.
    func supportChannel(_ contact: Contact) -> Channel {
        let usable: [Channel] = [contact.email != nil ? .email : nil,
                                 contact.mobile.flatMap(ContactAddress.ukMobile) != nil ? .sms : nil,
                                 contact.postalAddress != nil ? .letter : nil].compactMap { $0 }
        if let preferred = contact.channel.flatMap({ Channel(rawValue: $0 == "in_app" ? "email" : $0) }), usable.contains(preferred) { return preferred }
        return usable.first ?? .letter
    }

    func fields(_ signal: AttendanceSignal) -> [String: String] {
        var fields = ["upn": signal.upn, "kind": signal.kind.rawValue, "session": signal.asOf, "reason": signal.reason,
                      "possibleSessions": String(signal.figures.possibleSessions),
                      "missedSessions": String(signal.figures.authorisedAbsence + signal.figures.unauthorisedAbsence)]
        if let rate = signal.figures.attendanceRate { fields["attendanceRate"] = String(format: "%.1f", rate) }
        if signal.kind == .severeAbsence { fields["severe"] = "true" }
        return fields
    }
}

extension SendWindow {
    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
}

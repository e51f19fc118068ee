extension TemplateCatalogue {
    /// The English templates: every key has one. Wording follows shared/PATHWAY.md §4.4.
    static let english: [MessageTemplate] = [
        // First-day: warm, not leading, no register code [DEVON-FDC].
        MessageTemplate("first_day_absence", "en", subject: "{{child}} was not in school today", [
            "{{child}} was not in school today and we have not heard why. Please call {{school}} on {{phone}}.",
            "If you have already let the school know, thank you: you do not need to do anything else.",
        ]),
        MessageTemplate("attendance_support", "en", subject: "{{child}}'s attendance at {{school}}", [
            "{{child}}'s attendance this school year is {{attendanceRate}}%: {{missedSessions}} of {{possibleSessions}} sessions missed.",
            "Attendance of 90% or less means missing at least one day every two weeks, and it makes learning and friendships harder. {{#severe}}Attendance of 50% or less is severe absence: the school and the local authority's attendance team will offer you a meeting. {{/severe}}We would like to help.",
            "Please call {{school}} on {{phone}} to talk about the support {{child}} may need: help in school, a plan agreed with you, early help for the family. You can also tell us the reason for an absence or give us medical evidence.",
        ]),
        MessageTemplate("penalty_notice_considered", "en", subject: "{{child}}'s attendance: a penalty notice is being considered", [
            "{{child}}'s absence from {{school}} without the school's permission has reached the level at which the local authority must consider a penalty notice.",
            "No decision has been made. If there is a reason for the absence we do not know about, or support you need, please call {{school}} on {{phone}} within 10 school days.",
        ]),
        MessageTemplate("notice_to_improve", "en", subject: "Notice to Improve: {{child}}'s attendance at {{school}} (notice {{noticeId}})", [
            "Notice to Improve {{noticeId}} to {{contactName}} about {{child}} at {{school}}.",
            "{{child}}'s attendance record shows absence without the school's permission. Regular attendance matters for {{child}}'s learning, wellbeing and future. Under section 7 of the Education Act 1996 a parent must make sure their child of compulsory school age receives a suitable full-time education.",
            "Support has been offered to you; any support offered before and not taken up remains available. Further support is available from {{school}} on {{phone}} and from the local authority's attendance team.",
            "The improvement period runs for {{weeks}} school weeks, from {{periodStart}} to {{periodEnd}}. Sufficient improvement means no absence without permission in that period. If attendance does not improve sufficiently, the local authority may issue a penalty notice or prosecute under section 444 of the Education Act 1996. A penalty notice may be issued before the period ends if there is further absence without permission after this notice.",
        ]),
        MessageTemplate("penalty_notice", "en", subject: "Penalty notice {{noticeNumber}}: {{child}}'s absence from {{school}}", [
            "Penalty notice {{noticeNumber}}, issued to {{contactName}} under section 444A of the Education Act 1996 for the offence under section 444(1): failing to secure the regular attendance at school of {{child}}, a registered pupil at {{school}}.",
            "The amount is £80 if paid by {{discountedBy}}, or £160 if paid by {{fullBy}} (these dates are counted from the day this notice is taken to have been received, {{receiptOn}}). Part payments are not accepted. How to pay is set out with this notice.",
            "Payment discharges your liability for conviction for the offence for the period this notice covers. If the notice is not paid in full by {{fullBy}}, the local authority will consider prosecuting you for the offence (not for the unpaid amount).",
            "There is no right of appeal against a penalty notice. A notice may be withdrawn only on the grounds set out in the regulations, for example if it was issued to the wrong person or in contravention of the local code of conduct. Questions: {{school}} on {{phone}}.",
        ]),
        MessageTemplate("contract_invitation", "en", subject: "An attendance contract meeting about {{child}}", [
            "We invite you to a meeting on {{meetingDate}} to agree an attendance contract about {{child}}: a written agreement, between you and the school or the local authority, of the support that will be given and what each of us will do.",
            "The meeting is voluntary. If the date does not suit you, please call {{school}} on {{phone}}.",
        ]),
        MessageTemplate("family_meeting_invitation", "en", subject: "{{#moved}}New time: {{/moved}}a meeting about {{child}}'s attendance, {{when}}", [
            "{{#moved}}The meeting has moved. {{/moved}}{{#reinvited}}We missed you at the last meeting, so we have arranged another. {{/reinvited}}We invite you to a meeting on {{when}} to {{purpose}} about {{child}}'s attendance at {{school}}.",
            "Each parent is sent their own invitation. {{#interpreter}}An interpreter will be there ({{.}}). {{/interpreter}}If the time does not suit you, please call {{school}} on {{phone}}: the meeting can be moved once at your request. The event is attached for your calendar.",
        ]),
        MessageTemplate("family_meeting_cancelled", "en", subject: "Cancelled: the meeting about {{child}}'s attendance, {{when}}", [
            "The meeting on {{when}} about {{child}}'s attendance at {{school}} is cancelled. We will contact you if another is needed. Questions: {{school}} on {{phone}}.",
        ]),
        MessageTemplate("family_meeting_failed_to_attend", "en", subject: "You did not attend the meeting about {{child}}'s attendance", [
            "You were invited to meetings to {{purpose}} about {{child}}'s attendance at {{school}}, most recently on {{meetingDate}}, and did not attend {{missed}} of them.",
            "Not attending is recorded. The local authority will decide the next steps without your views, which may include legal action under section 444 of the Education Act 1996. It is not too late to talk to us: please call {{school}} on {{phone}} within 10 school days.",
        ]),
        MessageTemplate("social_care_escalation", "en", subject: "Attendance escalation for a child looked after ({{caseId}})", [
            "Case {{caseId}} (pupil {{upn}}) is a child looked after: attendance enforcement does not apply. Please review the attendance concern with the school and the virtual school.",
        ]),
        MessageTemplate("professional_absence", "en", subject: "Same-day absence: pupil {{upn}} at {{school}}", [
            "Pupil {{upn}} ({{child}}) at {{school}} is absent without a reason today ({{session}}). You are told because the child has a social worker or is looked after.",
        ]),
        MessageTemplate("professional_threshold", "en", subject: "Attendance threshold: pupil {{upn}} at {{school}}", [
            "Pupil {{upn}} ({{child}}) at {{school}}: {{reason}}. Attendance this school year {{attendanceRate}}% ({{missedSessions}} of {{possibleSessions}} sessions missed).",
        ]),
        MessageTemplate("panel_meeting_invitation", "en", subject: "AttendancePathway panel: case {{caseId}}", [
            "You are invited to the AttendancePathway panel meeting for case {{caseId}}. The calendar invitation is attached.",
        ]),
        MessageTemplate("panel_meeting_cancelled", "en", subject: "Cancelled: AttendancePathway panel, case {{caseId}}", [
            "The AttendancePathway panel meeting for case {{caseId}} is cancelled. The cancellation is attached for your calendar.",
        ]),
        MessageTemplate("meeting_invitation", "en", subject: "Invitation: {{title}}, {{when}}", [
            "You are invited to a {{title}} on {{when}}.{{#interpreter}} An interpreter ({{.}}) is booked.{{/interpreter}}{{#reason}} Changed: {{.}}.{{/reason}} The calendar invitation is attached.",
        ]),
        MessageTemplate("meeting_cancelled", "en", subject: "Cancelled: {{title}}, {{when}}", [
            "The {{title}} on {{when}} is cancelled{{#reason}}: {{.}}{{/reason}}. The cancellation is attached for your calendar.",
        ]),
        MessageTemplate("panel_agenda", "en", subject: "AttendancePathway panel agenda: {{when}} ({{cases}} cases)", [
            "The agenda for the AttendancePathway panel on {{when}}:",
            "{{#items}}• {{.}}\n{{/items}}",
            "The cases' papers are in the attendance portal under their references. The meetings are attached for your calendar.",
        ]),
        MessageTemplate("weekly_schedule", "en", subject: "Your meetings for the week of {{week}}: {{count}}", [
            "Your AttendancePathway meetings in the week of {{week}}:",
            "{{#items}}• {{.}}\n{{/items}}",
            "They are attached for your calendar.",
        ]),
        MessageTemplate("panel_acceptance_overdue", "en", subject: "Referral {{referralId}} waiting for the panel's decision", [
            "Referral {{referralId}} (case {{caseId}}) was to be accepted or returned by {{acceptBy}} and is still waiting. Please decide it in the attendance portal.",
        ]),
        MessageTemplate("officer_worklist_digest", "en", subject: "Your attendance worklist for {{date}}: {{overdue}} overdue, {{dueToday}} due today", [
            "Good morning. On your cases: {{overdue}} overdue, {{dueToday}} due today, {{upcoming}} due in the next 10 days.",
            "{{#items}}• {{.}}\n{{/items}}",
            "The cases are in the attendance portal under their references.",
        ]),
        MessageTemplate("school_digest", "en", subject: "{{school}}: attendance digest for {{date}}", [
            "Good morning. For {{school}}, {{date}}:",
            "{{#items}}• {{.}}\n{{/items}}",
        ]),
    ]
}

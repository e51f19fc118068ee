import AttendanceDomain
import Foundation
import ServiceRuntime

/// The LA's settings for the pathway (the values shared/PATHWAY.md marks [LA]), with its defaults.
struct PathwaySettings: Sendable, Equatable {
    /// `PATHWAY_REOPEN_MONTHS`: a case closed less than this long ago is reopened, with its history.
    var reopenMonths = 12
    /// `PATHWAY_SUPPORT_OFFERS`: offers with a recorded response needed before a referral or a Notice to Improve.
    var supportOffersRequired = 3
    /// `PATHWAY_NO_SUPPORT_G_PERCENT`: a penalty window this much `G` (a term-time holiday) may go to a
    /// penalty notice without the pathway meeting.
    var noSupportHolidayPercent = 80
    /// `PATHWAY_APPROVAL_WEEKS`: the panel's approval to enforce lapses after this many weeks.
    var approvalWeeks = 12
    /// `PATHWAY_NTI_WEEKS`: a Notice to Improve's default improvement period, 3 to 6 school weeks.
    var noticeToImproveWeeks = 6
    /// `PATHWAY_NTI_MAX_UNAUTHORISED`: unauthorised sessions allowed during a notice's period.
    var noticeToImproveMaxUnauthorised = 0
    /// `PATHWAY_CASEWORKER_DAYS`, `PATHWAY_PENALTY_DECISION_DAYS`, `PATHWAY_S19_DAYS`: school days to assign an LA
    /// caseworker to a severe case, to decide on a penalty notice, to consider the s19 duty.
    var caseworkerDays = 5
    var penaltyDecisionDays = 10
    var s19Days = 5
    /// `PATHWAY_NO_IMPROVEMENT_WEEKS`: school weeks at stage 2 without improvement before stage 3 is proposed.
    var noImprovementWeeks = 4
    /// `PATHWAY_STAGE3_WEEKS`: school weeks at stage 3 over which "no improvement" is judged before stage 4.
    var stage3Weeks = 6
    /// `PATHWAY_MONITORING_WEEKS`: monitoring after recovery is reviewed after this many school weeks.
    var monitoringWeeks = 6
    /// Deemed receipt of a posted letter: working days after posting ([check] for LA legal staff).
    var deemedReceiptWorkingDays = 2
    /// `PATHWAY_EXTRA_BANK_HOLIDAYS`: bank holidays the rules cannot know (ISO dates, commas).
    var extraBankHolidays: [SchoolDate] = []
    /// `PATHWAY_WORKLIST_DIGEST_AT` (07:30, London): each caseworker's worklist digest on school days.
    var worklistDigestAt = 7 * 60 + 30
    /// `PATHWAY_STAFF_EMAIL_DOMAIN` (`la.example`): a staff subject without an `@` gets its mailbox here.
    var staffEmailDomain = "la.example"

    func staffEmail(_ subject: String) -> String { subject.contains("@") ? subject : "\(subject)@\(staffEmailDomain)" }

    static let defaults = PathwaySettings()

    init() {}

    init(environment: EnvironmentReader) throws(ConfigurationError) {
        reopenMonths = try environment.int("PATHWAY_REOPEN_MONTHS", default: 12, range: 0...36, expected: "months from 0 to 36")
        supportOffersRequired = try environment.int("PATHWAY_SUPPORT_OFFERS", default: 3, range: 0...12, expected: "a number of offers from 0 to 12")
        noSupportHolidayPercent = try environment.int("PATHWAY_NO_SUPPORT_G_PERCENT", default: 80, range: 50...100, expected: "a percentage from 50 to 100")
        approvalWeeks = try environment.int("PATHWAY_APPROVAL_WEEKS", default: 12, range: 1...52, expected: "weeks from 1 to 52")
        noticeToImproveWeeks = try environment.int("PATHWAY_NTI_WEEKS", default: 6, range: 3...6, expected: "school weeks from 3 to 6")
        noticeToImproveMaxUnauthorised = try environment.int("PATHWAY_NTI_MAX_UNAUTHORISED", default: 0, range: 0...20, expected: "sessions from 0 to 20")
        caseworkerDays = try environment.int("PATHWAY_CASEWORKER_DAYS", default: 5, range: 1...30, expected: "school days from 1 to 30")
        penaltyDecisionDays = try environment.int("PATHWAY_PENALTY_DECISION_DAYS", default: 10, range: 1...30, expected: "school days from 1 to 30")
        s19Days = try environment.int("PATHWAY_S19_DAYS", default: 5, range: 1...30, expected: "school days from 1 to 30")
        noImprovementWeeks = try environment.int("PATHWAY_NO_IMPROVEMENT_WEEKS", default: 4, range: 1...12, expected: "school weeks from 1 to 12")
        stage3Weeks = try environment.int("PATHWAY_STAGE3_WEEKS", default: 6, range: 1...12, expected: "school weeks from 1 to 12")
        monitoringWeeks = try environment.int("PATHWAY_MONITORING_WEEKS", default: 6, range: 1...26, expected: "school weeks from 1 to 26")
        worklistDigestAt = try environment.timeOfDay("PATHWAY_WORKLIST_DIGEST_AT", default: 7 * 60 + 30)
        staffEmailDomain = environment.string("PATHWAY_STAFF_EMAIL_DOMAIN", default: staffEmailDomain)
        let holidays = environment.string("PATHWAY_EXTRA_BANK_HOLIDAYS", default: "")
        extraBankHolidays = []
        for text in holidays.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
            guard let date = SchoolDate(iso: text) else {
                throw ConfigurationError(variable: "PATHWAY_EXTRA_BANK_HOLIDAYS", problem: .malformed(shownValue: holidays), expected: "ISO dates separated by commas")
            }
            extraBankHolidays.append(date)
        }
    }
}

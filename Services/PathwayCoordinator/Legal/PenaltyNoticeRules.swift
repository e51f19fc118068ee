import AttendanceDomain

/// The arithmetic of a penalty notice (shared/PATHWAY.md §2.5, §6), checked by the coordinator rather
/// than left to the officer: the limit per parent per child, the amount and the payment dates from receipt.
enum PenaltyNoticeRules {
    struct Terms: Codable, Sendable, Equatable {
        /// The notice's place for this parent and child within 3 years: 1 or 2.
        var sequence: Int
        var issuedOn: SchoolDate
        /// Posted first class the next working day.
        var postedOn: SchoolDate
        /// Deemed received `deemedReceiptWorkingDays` working days after posting.
        var receiptOn: SchoolDate
        /// £80 by this date (first notice only).
        var discountedAmountPence: Int?
        var discountedBy: SchoolDate?
        /// £160 by this date; unpaid after it.
        var fullAmountPence: Int
        var fullBy: SchoolDate
    }

    static let discountedPence = 8_000
    static let fullPence = 16_000

    /// The window of the limit: notices issued in (D − 3 years, D]. A notice recorded with an earlier date than
    /// notices already issued counts those after it too (``limitWindow(around:)``), so backdating cannot reset the count.
    static func limitWindow(issuedOn date: SchoolDate) -> ClosedRange<SchoolDate> {
        threeYears(before: date).adding(days: 1)...date
    }

    /// (D − 3 years, D + 3 years): every notice within three years of D, either side.
    static func limitWindow(around date: SchoolDate) -> ClosedRange<SchoolDate> {
        let (year, month, day) = date.components
        let after = SchoolDate(year: year + 3, month: month, day: day) ?? SchoolDate(year: year + 3, month: month, day: day - 1)!
        return threeYears(before: date).adding(days: 1)...after.adding(days: -1)
    }

    private static func threeYears(before date: SchoolDate) -> SchoolDate {
        let (year, month, day) = date.components
        return SchoolDate(year: year - 3, month: month, day: day) ?? SchoolDate(year: year - 3, month: month, day: day - 1)!
    }

    /// The terms of a notice to a parent who has had `prior` notices (not withdrawn) for this child within
    /// the window; nil at the limit (two already): another intervention must be used.
    static func terms(prior: Int, issuedOn: SchoolDate, calendar: WorkingCalendar, deemedReceiptWorkingDays: Int) -> Terms? {
        guard prior < 2 else { return nil }
        let posted = calendar.adding(workingDays: 1, to: issuedOn)
        let receipt = calendar.adding(workingDays: deemedReceiptWorkingDays, to: posted)
        return Terms(
            sequence: prior + 1, issuedOn: issuedOn, postedOn: posted, receiptOn: receipt,
            discountedAmountPence: prior == 0 ? discountedPence : nil, discountedBy: prior == 0 ? receipt.adding(days: 21) : nil,
            fullAmountPence: fullPence, fullBy: receipt.adding(days: 28))
    }

    enum Payment: Equatable {
        case paidDiscounted, paidFull
        /// After the last date: recorded, and it blocks laying a prosecution for the offence (the LGO case).
        case late
        /// Not an amount this notice takes now: no part payments.
        case refused(String)
    }

    static func payment(amountPence: Int, receivedOn: SchoolDate, terms: Terms) -> Payment {
        if let by = terms.discountedBy, let amount = terms.discountedAmountPence, receivedOn <= by {
            return amountPence == amount ? .paidDiscounted
                : amountPence == terms.fullAmountPence ? .paidFull
                : .refused("amountPence: \(amountPence) is not accepted: no part payments; \(amount) by \(by.iso) or \(terms.fullAmountPence) by \(terms.fullBy.iso)")
        }
        if receivedOn <= terms.fullBy {
            return amountPence == terms.fullAmountPence ? .paidFull
                : .refused("amountPence: \(amountPence) is not accepted: no part payments; \(terms.fullAmountPence) by \(terms.fullBy.iso)")
        }
        return .late
    }
}

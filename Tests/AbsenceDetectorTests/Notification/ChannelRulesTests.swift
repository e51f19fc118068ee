@testable import NotificationService
import Foundation
import Testing

/// What counts as a failure for good, what an address may be, and what reaches a mail header.
struct ChannelRulesTests {
    @Test func onlyARefusedRecipientOrMessageIsForGood() {
        #expect(SMTPError.rejected(command: SMTPClient.recipientCommand, code: 550, status: "5.1.1").isPermanent)
        #expect(SMTPError.rejected(command: SMTPClient.endOfData, code: 554, status: "5.6.0").isPermanent)
        #expect(!SMTPError.rejected(command: "AUTH", code: 535, status: "5.7.8").isPermanent, "a wrong relay password is the LA's, not the family's")
        #expect(!SMTPError.rejected(command: "MAIL FROM", code: 553, status: nil).isPermanent)
        #expect(!SMTPError.rejected(command: SMTPClient.recipientCommand, code: 450, status: "4.2.1").isPermanent)
        #expect(NotifyError(status: 400, message: "phone_number Not a UK mobile number").isPermanent)
        #expect(!NotifyError(status: 403, message: "Invalid token").isPermanent, "the LA's key or clock")
        #expect(!NotifyError(status: 429, message: "rate limit").isPermanent)
        #expect(!NotifyError(status: nil, message: "connection refused").isPermanent)
    }

    @Test func anSMTPRefusalIsRecordedWithoutTheServersText() {
        let refusal = SMTPError.rejected(command: SMTPClient.recipientCommand, code: 550, status: "5.1.1")
        #expect("\(refusal)" == "the SMTP server answered RCPT TO with 550 5.1.1")
    }

    @Test func anAddressThatCouldInjectAHeaderIsNoAddress() {
        #expect(Recipient.mailbox("sam.brook@family.example") == "sam.brook@family.example")
        #expect(Recipient.mailbox("sam@family.example\r\nBcc: x@y.example") == nil)
        #expect(Recipient.mailbox("Sam <sam@family.example>") == nil)
        #expect(Recipient.mailbox("sam@@family.example") == nil)
        #expect(Recipient.mailbox("sam@localhost") == nil)
        #expect(MIMEMessage.encodedWord("Hello\r\nBcc: x@y.example").hasPrefix("=?utf-8?B?"), "a line break in a header value is encoded")
        #expect(MIMEMessage.encodedWord("Leo was not in school today") == "Leo was not in school today")
    }

    @Test func aLineStartingWithADotIsDoubledAndLineEndsAreCRLF() {
        #expect(SMTPClient.dotStuffed("a\n.b\r\n..c") == "a\r\n..b\r\n...c")
    }

    @Test func aHoldMovesToTheSameTimeOnTheNextSchoolDayAcrossTheClockChange() throws {
        let window = SendWindow(settings: NotificationSettings())
        // Friday 23 October 2026 16:00 BST is 15:00 UTC; Monday 26 October 16:00 GMT is 16:00 UTC.
        #expect(window.nextSchoolDay(sameTimeAs: try Date("2026-10-23T15:00:00Z", strategy: .iso8601)) == (try Date("2026-10-26T16:00:00Z", strategy: .iso8601)))
    }
}

@testable import NotificationService
import Foundation
import Testing

/// The templates as a family meets them: the language chosen, the direction of the text, the English line.
struct TemplateCatalogueTests {
    let catalogue = try! TemplateCatalogue()
    let values: [String: Any] = ["child": "Leo", "school": "Hillside Primary", "phone": "01632 960123", "severe": false]

    @Test func arabicAndUrduAreRightToLeftWithTheEnglishLineLeftToRight() throws {
        for language in ["ar", "ur-PK"] {
            let message = try catalogue.render("first_day_absence", language: language, values: values, statutory: false)
            #expect(message.rightToLeft)
            #expect(message.html.contains(#"<html lang="\#(language.prefix(2))" dir="rtl">"#))
            #expect(message.html.contains(#"<p lang="en" dir="ltr">English: Leo was not in school today"#))
            #expect(message.sms.contains("\nEnglish: "), "the text message carries an English line too: \(message.sms)")
            #expect(SMSText.parts(message.sms) <= 3, "at most three parts: \(message.sms.utf16.count) UCS-2 characters")
            #expect(!message.subject.isEmpty && !message.subject.contains("{{"))
        }
    }

    @Test func textMessagesAreCountedInGSMOrUCS2PartsAndKeptToThree() throws {
        #expect(SMSText.parts(String(repeating: "a", count: 160)) == 1)
        #expect(SMSText.parts(String(repeating: "a", count: 161)) == 2)
        #expect(SMSText.parts(String(repeating: "€", count: 80)) == 1, "an extension character takes two places")
        #expect(SMSText.parts(String(repeating: "ا", count: 70)) == 1)
        #expect(SMSText.parts(String(repeating: "ا", count: 71)) == 2)
        #expect(SMSText.parts(String(repeating: "ا", count: 202)) == 4)
        for language in ["pl", "ro", "ur", "ar", "pa", "bn"] {
            var long = values
            long["school"] = "The Blessed Cardinal John Henry Newman Catholic Voluntary Academy"
            let message = try catalogue.render("attendance_support", language: language, values: long.merging(["attendanceRate": "84.5", "missedSessions": "31", "possibleSessions": "200"]) { $1 }, statutory: false)
            #expect(SMSText.parts(message.sms) <= 3, "\(language): \(message.sms)")
            #expect(message.language == language)
        }
        let cut = SMSText.fitting([String(repeating: "ا", count: 500)])
        #expect(SMSText.parts(cut) == 3 && cut.hasSuffix("…"))
    }

    @Test func punjabiAndBengaliAreLeftToRight() throws {
        for language in ["pa", "bn"] {
            let message = try catalogue.render("first_day_absence", language: language, values: values, statutory: false)
            #expect(message.language == language && !message.rightToLeft)
            #expect(message.html.contains(#"<html lang="\#(language)" dir="ltr">"#))
        }
    }

    @Test func aLanguageWithoutATemplateFallsBackToEnglish() throws {
        let message = try catalogue.render("first_day_absence", language: "so", values: values, statutory: false)
        #expect(message.language == "en" && !message.rightToLeft)
        #expect(message.html.contains(#"<html lang="en" dir="ltr">"#))
        #expect(!message.text.contains("English:"))
        #expect(message.text.hasPrefix("Leo was not in school today and we have not heard why. Please call Hillside Primary on 01632 960123."))
    }

    @Test func aStatutoryLetterKeepsTheEnglishLegalTextUnderATranslatedCover() throws {
        var fields = values
        fields.merge(["noticeId": "NTI-1", "contactName": "Aisha Khan", "weeks": "4", "periodStart": "2 December 2026", "periodEnd": "13 January 2027"]) { $1 }
        let message = try catalogue.render("notice_to_improve", language: "pl", values: fields, statutory: true)
        #expect(message.language == "pl")
        #expect(message.text.contains("— English (the legal text) —"))
        #expect(message.englishParagraphs.first == "Notice to Improve NTI-1 to Aisha Khan about Leo at Hillside Primary.")
        #expect(message.englishSubject.hasPrefix("Notice to Improve: Leo's attendance"))
    }

    @Test func htmlIsEscapedButTextIsNot() throws {
        var fields = values
        fields["school"] = "St Mary & St John <CE>"
        let message = try catalogue.render("first_day_absence", language: "en", values: fields, statutory: false)
        #expect(message.html.contains("St Mary &amp; St John &lt;CE&gt;"))
        #expect(message.text.contains("St Mary & St John <CE>"))
    }
}

/// A member of staff as the scheduler names them: a subject (`officer-1`) or an email address. Nothing else, so that no
/// control character or iCalendar delimiter reaches an invitation (`ATTENDEE;...:mailto:<it>`).
enum StaffAddress {
    static func isValid(_ text: String) -> Bool {
        guard (1...254).contains(text.utf8.count), text.split(separator: "@", omittingEmptySubsequences: false).count <= 2 else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", "+", "@": true
            default: false
            }
        }
    }
}

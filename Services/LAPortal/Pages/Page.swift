import Foundation
import Hummingbird
import HTTPTypes
import Mustache
import NIOCore
import ServiceRuntime

/// Renders a page: its body template with its values, inside the layout (header, navigation for the signed-in
/// person's roles, the main landmark). Templates escape every value (`{{ }}`); only HTML the portal made itself
/// (a chart's SVG, a rendered body) goes in through `{{{ }}}`.
enum Page {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            do { try library.register(text, named: name) } catch { fatalError("template \(name) does not parse: \(error)") }
        }
        return library
    }()

    /// A whole page for a signed-in person (or the sign-in page when `account` is nil).
    static func render(_ template: String, title: String, values: [String: Any], context: PortalContext, status: HTTPResponse.Status = .ok,
                       active: String? = nil) -> Response {
        var values = values
        values["csrf"] = context.csrfToken ?? ""
        if let errors = values["errors"] as? [[String: Any]] { values["hasErrors"] = !errors.isEmpty }
        let body = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body, "csrf": context.csrfToken ?? ""]
        if let account = context.account {
            layout["account"] = ["name": account.displayName, "role": Account.title(account.primaryRole)]
            layout["nav"] = navigation(for: account, active: active)
            layout["hasNav"] = true
        }
        return html(library.render(layout, withTemplate: "layout") ?? "", status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        // Pages hold children's data: never cached, never framed, no script but the portal's own.
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An error page in the layout's shape, for a person: what happened and what to do.
    static func error(_ status: HTTPResponse.Status, title: String, detail: String, context: PortalContext? = nil) -> Response {
        let body = library.render(["heading": title, "detail": detail], withTemplate: "problem") ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let context, let account = context.account {
            layout["account"] = ["name": account.displayName, "role": Account.title(account.primaryRole)]
            layout["nav"] = navigation(for: account, active: nil)
            layout["hasNav"] = true
            layout["csrf"] = context.csrfToken ?? ""
        }
        return html(library.render(layout, withTemplate: "layout") ?? "", status: status)
    }

    /// The links a role uses; each page checks again what the services allow.
    static func navigation(for account: Account, active: String?) -> [[String: Any]] {
        var links: [(String, String)] = []
        if account.has(anyOf: [.laOfficer, .laManager, .schoolLead, .legalOfficer]) { links.append(("/", "Worklist")) }
        if account.has(anyOf: [.laOfficer, .laManager, .schoolLead, .legalOfficer, .socialWorker, .virtualSchool]) { links.append(("/cases", "Cases")) }
        if account.has(anyOf: [.laOfficer, .laManager, .schoolLead]) { links.append(("/schools", "Schools")) }
        if account.has(anyOf: [.panelChair, .laAdmin, .laManager, .laOfficer]) { links.append(("/calendar", "Panel calendar")) }
        if account.has(.auditor) { links.append(("/audit", "Access audit")) }
        return links.map { ["href": $0.0, "label": $0.1, "current": $0.0 == active] }
    }
}

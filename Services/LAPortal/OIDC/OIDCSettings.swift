import Foundation
import ServiceRuntime

/// Sign-in through the LA's own identity provider (OpenID Connect, authorisation code flow with PKCE). Set
/// `PORTAL_OIDC_ISSUER` to turn it on; local accounts stay available unless `PORTAL_LOCAL_SIGN_IN=false`.
struct OIDCSettings: Sendable {
    /// `PORTAL_OIDC_ISSUER`: the provider's issuer URL; its discovery document is `<issuer>/.well-known/openid-configuration`.
    var issuer: String
    /// `PORTAL_OIDC_CLIENT_ID`, `PORTAL_OIDC_CLIENT_SECRET`: the portal's registration at the provider.
    var clientID: String
    var clientSecret: String
    /// `PORTAL_OIDC_REDIRECT_URL`: this portal's `/sign-in/callback`, exactly as registered at the provider.
    var redirectURL: String
    /// `PORTAL_OIDC_ROLE_GROUPS`: `group=role,group=role`: which of the provider's groups gives which role.
    var roleGroups: [String: [Role]]
    /// `PORTAL_OIDC_GROUPS_CLAIM` (default `groups`) and `PORTAL_OIDC_SCHOOLS_CLAIM` (default `schools`): the ID token's
    /// claims that carry the person's groups and their schools' URNs.
    var groupsClaim: String
    var schoolsClaim: String
    /// `PORTAL_OIDC_NAME`: how the sign-in page names the provider (default "your council account").
    var displayName: String

    init?(environment env: EnvironmentReader) throws(ConfigurationError) {
        guard let issuer = env.values["PORTAL_OIDC_ISSUER"], !issuer.isEmpty else { return nil }
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        clientID = try env.string("PORTAL_OIDC_CLIENT_ID", expected: "the portal's client id at the identity provider")
        clientSecret = try env.string("PORTAL_OIDC_CLIENT_SECRET", expected: "the portal's client secret at the identity provider")
        redirectURL = try env.string("PORTAL_OIDC_REDIRECT_URL", expected: "this portal's /sign-in/callback address, as registered at the provider")
        let mapping = try env.string("PORTAL_OIDC_ROLE_GROUPS", expected: "group=role pairs, comma-separated")
        var groups: [String: [Role]] = [:]
        for pair in mapping.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let role = Role(rawValue: parts[1]), role != .misConnector else {
                throw ConfigurationError(variable: "PORTAL_OIDC_ROLE_GROUPS", problem: .malformed(shownValue: String(pair)),
                                         expected: "group=role pairs, comma-separated, each role one of la_officer, la_manager, panel_chair, ...")
            }
            groups[parts[0], default: []].append(role)
        }
        roleGroups = groups
        groupsClaim = env.string("PORTAL_OIDC_GROUPS_CLAIM", default: "groups")
        schoolsClaim = env.string("PORTAL_OIDC_SCHOOLS_CLAIM", default: "schools")
        displayName = env.string("PORTAL_OIDC_NAME", default: "your council account")
    }
}

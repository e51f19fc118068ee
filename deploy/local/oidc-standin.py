#!/usr/bin/env python3
"""A stand-in for an LA's OpenID Connect identity provider (Entra ID, Okta, ...), for the portal's browser tests.

It speaks the real protocol (discovery, the authorisation code flow with PKCE S256, client_secret_basic at the token
endpoint, RS256 ID tokens whose key is in its JWKS) but it is not one: its "sign-in" page lets you pick a person from
its users file, with no password. Never run it anywhere but loopback. Stdlib only; RSA signing through the openssl
command. Users file: {"username": {"name": "...", "groups": [...], "schools": [...]}}."""
import argparse
import base64
import hashlib
import html
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Provider:
    def __init__(self, args):
        self.args = args
        self.issuer = f"http://127.0.0.1:{args.port}"
        os.makedirs(args.state, exist_ok=True)
        self.key = os.path.join(args.state, "oidc-key.pem")
        if not os.path.exists(self.key):
            subprocess.run(["openssl", "genrsa", "-out", self.key, "2048"], check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", self.key, "-noout", "-modulus"], check=True, capture_output=True, text=True).stdout
        self.n = b64url(bytes.fromhex(modulus.strip().split("=", 1)[1]))
        self.kid = hashlib.sha256(self.n.encode()).hexdigest()[:16]
        with open(args.users) as file:
            self.users = json.load(file)
        self.codes = {}

    def sign(self, claims):
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}".encode()
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing_input, check=True, capture_output=True).stdout
        return f"{signing_input.decode()}.{b64url(signature)}"


class Handler(BaseHTTPRequestHandler):
    provider = None

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="application/json", headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, description):
        self.send(status, json.dumps({"error": code, "error_description": description}))

    def do_GET(self):
        p = self.provider
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            return self.send(200, json.dumps({
                "issuer": p.issuer, "authorization_endpoint": p.issuer + "/authorize", "token_endpoint": p.issuer + "/token",
                "jwks_uri": p.issuer + "/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"]}))
        if url.path == "/jwks":
            return self.send(200, json.dumps({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": p.kid, "n": p.n, "e": "AQAB"}]}))
        if url.path == "/authorize":
            problem = self.check_request(query)
            if problem:
                return self.send(400, f"<!DOCTYPE html><title>Refused</title><p>{html.escape(problem)}</p>", "text/html; charset=utf-8")
            hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items())
            people = "".join(
                f'<p><input type="radio" name="user" id="user-{html.escape(u)}" value="{html.escape(u)}"><label for="user-{html.escape(u)}">'
                f'{html.escape(info["name"])} ({html.escape(u)})</label></p>' for u, info in p.users.items())
            page = (f'<!DOCTYPE html><html lang="en"><head><title>Local identity provider (stand-in)</title></head><body><main>'
                    f'<h1>Local identity provider (a stand-in)</h1><form method="post" action="/authorize">{hidden}{people}'
                    f'<button type="submit" id="continue">Continue</button></form></main></body></html>')
            return self.send(200, page, "text/html; charset=utf-8")
        self.send(404, json.dumps({"error": "not_found"}))

    def check_request(self, query):
        a = self.provider.args
        if query.get("client_id") != a.client_id:
            return "unknown client_id"
        if query.get("redirect_uri") != a.redirect_uri:
            return "redirect_uri is not the registered one"
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "expected response_type=code with a PKCE S256 challenge"
        if "openid" not in query.get("scope", "").split() or not query.get("state") or not query.get("nonce"):
            return "expected the openid scope, a state and a nonce"
        return None

    def do_POST(self):
        p = self.provider
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/authorize":
            problem = self.check_request(form)
            if problem or form.get("user") not in p.users:
                return self.send(400, "<!DOCTYPE html><title>Refused</title><p>Choose a person.</p>", "text/html; charset=utf-8")
            code = secrets.token_urlsafe(24)
            p.codes[code] = {"user": form["user"], "challenge": form["code_challenge"], "nonce": form["nonce"],
                             "redirect_uri": form["redirect_uri"], "expires": time.time() + 60}
            target = form["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": form["state"]})
            return self.send(302, b"", "text/plain", headers=[("Location", target)])
        if self.path == "/token":
            expected = "Basic " + base64.b64encode(
                f"{urllib.parse.quote(p.args.client_id, safe='')}:{urllib.parse.quote(p.args.client_secret, safe='')}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self.error(401, "invalid_client", "client authentication failed")
            grant = p.codes.pop(form.get("code", ""), None)  # a code is used once
            if form.get("grant_type") != "authorization_code" or grant is None or grant["expires"] < time.time():
                return self.error(400, "invalid_grant", "unknown, used or expired code")
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self.error(400, "invalid_grant", "redirect_uri differs from the authorisation request's")
            if b64url(hashlib.sha256(form.get("code_verifier", "").encode()).digest()) != grant["challenge"]:
                return self.error(400, "invalid_grant", "the PKCE verifier does not match the challenge")
            user = p.users[grant["user"]]
            now = int(time.time())
            claims = {"iss": p.issuer, "sub": grant["user"], "aud": p.args.client_id, "iat": now, "exp": now + 300,
                      "nonce": grant["nonce"], "name": user["name"], "preferred_username": grant["user"],
                      "groups": user.get("groups", []), "schools": user.get("schools", [])}
            return self.send(200, json.dumps({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                                              "id_token": p.sign(claims)}))
        self.send(404, json.dumps({"error": "not_found"}))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--state", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    args = parser.parse_args()
    Handler.provider = Provider(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"oidc-standin: {Handler.provider.issuer} (a stand-in: never use it outside tests)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

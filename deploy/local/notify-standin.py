#!/usr/bin/env python3
"""A STAND-IN for GOV.UK Notify's API v2, for local runs and tests only. It is not Notify.

It speaks the parts of Notify's HTTP API that the notification service uses, with Notify's own shapes:
  POST /v2/notifications/sms      {phone_number, template_id, personalisation, reference}
  POST /v2/notifications/email    {email_address, template_id, personalisation, reference}
  POST /v2/notifications/letter   precompiled: {reference, content (base64 PDF), postage}
  GET  /v2/notifications?reference=...   and   GET /v2/notifications/<id>
Requests are authenticated the way Notify does it: a JWT (HS256, iss = service id, iat) signed with the
API key's secret, checked with the official client's own decoder. Every accepted notification is
appended to <state>/notifications.jsonl (letters' PDFs beside it) so that a test can see what crossed
the wire. Test controls (not Notify's): POST /_standin/delay {"seconds": N} holds the next answers
after recording the notification (a provider that accepted and has not yet replied), and
POST /_standin/fail {"type": "sms", "status": 400|500} refuses the next sends of that type, and
POST /_standin/status {"id": ID, "status": "delivered"} moves a notification on, as Notify's would
(text: sending, delivered, permanent-failure, temporary-failure; letter: accepted, received, validation-failed).

Usage: notify-standin.py --port 18089 --state DIR --api-key KEY
"""
import argparse
import base64
import datetime
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Store:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, "notifications.jsonl")
        self.lock = threading.Lock()
        self.items = []
        self.delay = 0.0
        self.failures = {}
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.items = [json.loads(line) for line in f if line.strip()]

    def add(self, item):
        with self.lock:
            self.items.append(item)
            with open(self.path, "a") as f:
                f.write(json.dumps(item) + "\n")
                f.flush()
                os.fsync(f.fileno())


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def error(status, kind, message):
    return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}


class Handler(BaseHTTPRequestHandler):
    server_version = "notify-standin"

    def log_message(self, *args):  # quiet: tests read the store, not the log
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorised(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            self.answer(*error(401, "AuthError", "Unauthorized: authentication token must be provided"))
            return False
        token = header[len("Bearer "):]
        try:
            if get_token_issuer(token) != self.server.service_id:
                raise ValueError("issuer")
            decode_jwt_token(token, self.server.secret)
        except Exception as exc:  # Notify answers 403 for a bad token
            self.answer(*error(403, "AuthError", f"Invalid token: {type(exc).__name__}"))
            return False
        return True

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_standin/notifications":
            return self.answer(200, {"notifications": self.server.store.items})
        if not self.authorised():
            return
        if url.path == "/v2/notifications":
            query = parse_qs(url.query)
            reference = query.get("reference", [None])[0]
            found = [n for n in reversed(self.server.store.items) if reference is None or n["reference"] == reference]
            return self.answer(200, {"notifications": [public(n) for n in found],
                                     "links": {"current": f"{self.server.base}/v2/notifications"}})
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", url.path)
        if match:
            for n in self.server.store.items:
                if n["id"] == match.group(1):
                    return self.answer(200, public(n))
            return self.answer(*error(404, "NoResultFound", "No result found"))
        self.answer(*error(404, "NotFound", "Not found"))

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self.answer(*error(400, "BadRequestError", "Invalid JSON"))
        store = self.server.store
        if url.path == "/_standin/delay":
            store.delay = float(body.get("seconds", 0))
            return self.answer(200, {"delay": store.delay})
        if url.path == "/_standin/status":
            for n in store.items:
                if n["id"] == body.get("id"):
                    n["reported_status"] = body["status"]
                    return self.answer(200, public(n))
            return self.answer(*error(404, "NoResultFound", "No result found"))
        if url.path == "/_standin/fail":
            store.failures[body["type"]] = int(body.get("status", 400))
            return self.answer(200, {"failing": store.failures})
        if not self.authorised():
            return
        match = re.fullmatch(r"/v2/notifications/(sms|email|letter)", url.path)
        if not match:
            return self.answer(*error(404, "NotFound", "Not found"))
        kind = match.group(1)
        if kind in store.failures:
            status = store.failures[kind]
            return self.answer(*error(status, "BadRequestError" if status < 500 else "InternalServerError", f"stand-in told to refuse {kind}"))
        item = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "type": kind, "created_at": now(), "status": "created"}
        if kind == "sms":
            number = re.sub(r"[\s()-]", "", body.get("phone_number", ""))
            if not UK_MOBILE.match(number):
                return self.answer(*error(400, "ValidationError", "phone_number Not a UK mobile number"))
            item.update(phone_number=body["phone_number"], template_id=body.get("template_id"),
                        body=(body.get("personalisation") or {}).get("body", ""))
        elif kind == "email":
            if not EMAIL.match(body.get("email_address", "")):
                return self.answer(*error(400, "ValidationError", "email_address Not a valid email address"))
            item.update(email_address=body["email_address"], template_id=body.get("template_id"),
                        body=(body.get("personalisation") or {}).get("body", ""),
                        subject=(body.get("personalisation") or {}).get("subject", ""))
        else:
            if "content" not in body or "reference" not in body:
                return self.answer(*error(400, "ValidationError", "reference and content are required for a precompiled letter"))
            pdf = base64.b64decode(body["content"])
            if not pdf.startswith(b"%PDF-"):
                return self.answer(*error(400, "ValidationError", "Letter content is not a valid PDF"))
            postage = body.get("postage", "second")
            if postage not in ("first", "second", "economy", "europe", "rest-of-world"):
                return self.answer(*error(400, "ValidationError", "postage invalid"))
            name = os.path.join(store.folder, item["id"] + ".pdf")
            with open(name, "wb") as f:
                f.write(pdf)
            item.update(postage=postage, pdf=name, pdf_bytes=len(pdf))
        store.add(item)
        if store.delay:
            time.sleep(store.delay)
        if kind == "letter":
            return self.answer(201, {"id": item["id"], "reference": item["reference"], "postage": item["postage"]})
        content = {"body": item["body"]}
        if kind == "sms":
            content["from_number"] = "LA"
        else:
            content.update(subject=item["subject"], from_email="attendance@example.invalid")
        self.answer(201, {"id": item["id"], "reference": item["reference"], "content": content,
                          "uri": f"{self.server.base}/v2/notifications/{item['id']}",
                          "template": {"id": item["template_id"], "version": 1, "uri": ""}})


def public(n):
    out = {k: v for k, v in n.items() if k not in ("pdf", "reported_status")}
    out["status"] = n.get("reported_status") or ("sending" if n["type"] != "letter" else "accepted")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--api-key", required=True, help="key_name-<service id>-<secret>, as Notify issues them")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.service_id = args.api_key[-73:-37]
    server.secret = args.api_key[-36:]
    server.base = f"http://127.0.0.1:{args.port}"
    server.store = Store(args.state)
    print(f"notify stand-in on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

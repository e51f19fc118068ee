"""Reads emails (.eml files) with Python's own `email` package and prints what a mail client would show,
as JSON: decoded headers, each part's type and decoded text, attachments. Used by the notification tests
so that the service's MIME is checked by a parser that is not the service's."""
import email
import email.policy
import json
import sys


def read(path):
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    problems = []
    raw = open(path, "rb").read()
    if any(len(line) > 998 for line in raw.splitlines()):
        problems.append("a line longer than 998 characters")
    parts = []
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        entry = {"type": part.get_content_type(), "charset": part.get_content_charset(), "text": content,
                 "method": part.get_param("method")}
        if part.get_content_disposition() == "attachment":
            entry["filename"] = part.get_filename()
            attachments.append(entry)
        else:
            parts.append(entry)
    return {
        "file": path,
        "from": str(message["From"]),
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "messageId": str(message["Message-ID"]),
        "language": str(message["Content-Language"]),
        "autoSubmitted": str(message["Auto-Submitted"]),
        "envelopeTo": str(message["X-Envelope-To"]),
        "contentType": message.get_content_type(),
        "parts": parts,
        "attachments": attachments,
        "problems": problems,
        "defects": [str(defect) for part in message.walk() for defect in part.defects],
    }


if __name__ == "__main__":
    json.dump([read(path) for path in sys.argv[1:]], sys.stdout)

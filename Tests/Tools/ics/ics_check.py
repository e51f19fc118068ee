#!/usr/bin/env python3
"""An independent reading of iCalendar files for the tests: RFC 5545's line rules checked on the raw bytes,
then the document parsed with the `icalendar` package. Prints one JSON object per file, or exits 1 naming
the rule broken."""
import json
import sys
from datetime import timezone

import icalendar


def check(path):
    raw = open(path, "rb").read()
    problems = []
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("a line ends without CR LF")
    if not raw.endswith(b"\r\n"):
        problems.append("the last line does not end with CR LF")
    for number, line in enumerate(raw.split(b"\r\n"), start=1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets (more than 75)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} splits a UTF-8 character")
    calendar = icalendar.Calendar.from_ical(raw)
    zones = [str(z.get("TZID")) for z in calendar.walk("VTIMEZONE")]
    if "Europe/London" not in zones:
        problems.append("no VTIMEZONE for Europe/London")
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        if start.tzinfo is None:
            problems.append(f"{event.get('UID')}: a floating time")
        events.append({
            "uid": str(event.get("UID")),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS", "")),
            "summary": str(event.get("SUMMARY", "")),
            "start": start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "stamp": event.decoded("DTSTAMP").astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "attendees": [str(a) for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")] if event.get("ATTENDEE") else [])],
            "attendeeNames": [a.params.get("CN", "") for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")] if event.get("ATTENDEE") else [])],
        })
    return {"method": str(calendar.get("METHOD", "")), "problems": problems, "events": events,
            "text": raw.decode("utf-8").replace("\r\n ", "")}


if __name__ == "__main__":
    results = [check(path) for path in sys.argv[1:]]
    print(json.dumps(results))
    sys.exit(1 if any(r["problems"] for r in results) else 0)

#!/usr/bin/env python3
"""The demo's last act: LA staff take a few severely absent pupils' cases through stage 4 to a referral, the
panel's chair accepts them and the scheduler books them; prints the next session's agenda (case references,
no names). Then an officer arranges a contract meeting with one family (each parent invited separately) and the
LA offers every school a targeting support meeting this term, in the published order. Stdlib only; the tokens
come from the environment (MANAGER, OFFICER, CHAIR, ADMIN; SCHOOLS: the officer's)."""
import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request

COORDINATOR = "http://127.0.0.1:8083"
DETECTOR = "http://127.0.0.1:8082"
SCHEDULER = "http://127.0.0.1:8085"


def call(method, url, token, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def say(line):
    print(f"[demo] {line}", flush=True)


def main():
    manager, officer, chair = os.environ["MANAGER"], os.environ["OFFICER"], os.environ["CHAIR"]
    wanted = int(os.environ.get("REFERRALS", "12"))
    chosen = []
    for school in os.environ["SCHOOLS"].split():
        _, listing = call("GET", f"{COORDINATOR}/v1/cases?stage=3&school={school}", manager)
        chosen += [case["caseId"] for case in listing.get("cases", []) if case.get("severeAbsence")]
    chosen = chosen[:wanted]
    if not chosen:
        say("no severely absent pupil's case at stage 3 in the officer's schools: nothing to refer")
        return 0
    referred = []
    for case in chosen:
        base = f"{COORDINATOR}/v1/cases/{case}"

        def complete(up_to):
            _, view = call("GET", base, manager)
            for item in view["checklist"]:
                if item["state"] == "open" and item["stage"] <= up_to:
                    call("PUT", f"{base}/checklist/{item['stage']}/{item['key']}", manager, {"state": "done"})

        complete(3)
        for kind in ("social_worker_consulted", "senco_consulted"):
            call("POST", f"{base}/chronology", manager, {"type": kind, "summary": "consulted about enforcement; agrees support has been exhausted"})
        status, answer = call("POST", f"{base}/stage", manager, {"to": 4})
        if status != 200:
            say(f"{case}: not moved to stage 4: {answer}")
            continue
        complete(4)
        for what in ("attendance support plan meeting", "mentoring in school", "early help family support"):
            _, offer = call("POST", f"{base}/support-offers", manager, {"what": what, "contactId": None, "offeredOn": time.strftime("%Y-%m-%d")})
            call("PUT", f"{base}/support-offers/{offer['id']}", manager, {"response": "declined", "respondedOn": time.strftime("%Y-%m-%d")})
        call("PUT", f"{base}/assignment", manager, {"caseworker": "demo-officer",
                                                    "leadProfessional": {"subject": "demo-officer", "name": "Demo Officer", "service": "la_attendance"}})
        call("POST", f"{base}/oversight", manager, {"decision": "approve", "rationale": "support exhausted and evidenced; no barriers left unaddressed"})
        status, answer = call("POST", f"{base}/referral", officer, {"answers": {
            "fitsFamilyCircumstances": "yes", "bestInterestsOfChild": "yes", "willImproveAttendance": "likely"}})
        if status != 201:
            say(f"{case}: referral refused: {answer}")
            continue
        referred.append(answer["referralId"])
    say(f"referred to the AttendancePathway panel: {', '.join(referred) or 'none'}")
    deadline = time.time() + 60
    while referred and time.time() < deadline:
        _, queue = call("GET", f"{SCHEDULER}/v1/requests", chair)
        waiting = {item["referralId"] for item in queue.get("requests", [])}
        if set(referred) <= waiting:
            break
        time.sleep(0.5)
    for referral in referred:
        call("POST", f"{SCHEDULER}/v1/requests/{referral}/accept", chair)
    _, run = call("POST", f"{SCHEDULER}/v1/allocation-runs", chair)
    say(f"the chair accepted them; the scheduler booked {len(run.get('booked', []))}")
    _, sessions = call("GET", f"{SCHEDULER}/v1/sessions", chair)
    booked = [s for s in sessions.get("sessions", []) if s["bookings"]]
    if booked:
        session = booked[0]
        say(f"the next session's agenda, {session['startsAt']} (chair {session['chair']}):")
        for booking in session["bookings"]:
            print(f"  slot {booking['slot']}  case {booking['caseId']}  ({booking['status']})")
    if chosen:
        family_meeting(chosen[0], officer, manager)
    targeting_support_meetings(os.environ["SCHOOLS"].split(), os.environ["ADMIN"], manager)
    return 0


def family_meeting(case, officer, manager):
    """A contract meeting with the family of one case, on the first day the notice rule allows."""
    _, view = call("GET", f"{COORDINATOR}/v1/cases/{case}", manager)
    pupil = view.get("case", {})
    day = datetime.date.today() + datetime.timedelta(days=7)
    for _ in range(30):
        status, answer = call("POST", f"{SCHEDULER}/v1/family-meetings", officer, {
            "caseId": case, "upn": pupil.get("upn"), "schoolUrn": pupil.get("schoolUrn"), "kind": "contract",
            "date": day.isoformat(), "starts": "10:00", "language": "en"})
        if status == 201:
            say(f"family meeting for case {case}: {answer['startsAt']} (attendance contract); each parent with parental responsibility invited")
            return
        day += datetime.timedelta(days=1)
    say(f"family meeting for case {case} not arranged: {answer}")


def targeting_support_meetings(schools, admin, manager):
    """Every school offered a targeting support meeting, from the detector's figures for each."""
    entries = []
    for urn in schools:
        _, summary = call("GET", f"{DETECTOR}/v1/schools/{urn}/summary", manager)
        overall = summary.get("overall", {})
        years = set(summary.get("byYearGroup", {}))
        entries.append({"schoolUrn": urn, "phase": "secondary" if years & {str(y) for y in range(7, 14)} else "primary",
                        "roll": overall.get("pupils", 0), "persistentAbsentees": overall.get("persistentAbsence", 0),
                        "attendancePercent": overall.get("attendanceRate") or 100, "champion": f"attendance-lead@{urn}.sch.example"})
    first = datetime.date.today() + datetime.timedelta(days=14)
    status, answer = call("POST", f"{SCHEDULER}/v1/tsm-rounds", admin, {
        "name": "Targeting support meetings", "firstDate": first.isoformat(), "untilDate": (first + datetime.timedelta(days=21)).isoformat(),
        "spoc": "demo-officer", "earlyHelp": "early-help@la.example", "schools": entries})
    if status != 201:
        say(f"targeting support meetings not offered: {answer}")
        return
    say(f"targeting support meetings offered to {len(answer['meetings'])} schools, in order:")
    for meeting in answer["meetings"]:
        print(f"  {meeting['startsAt']}  school {meeting['schoolUrn']}")


if __name__ == "__main__":
    sys.exit(main())

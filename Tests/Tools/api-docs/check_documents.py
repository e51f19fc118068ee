#!/usr/bin/env python3
"""The API and event documents, checked as a client's tools read them and against the code:
- every docs/*.openapi.yaml is a valid OpenAPI 3.1 document (openapi-spec-validator);
- each service's document lists exactly the operations its sources register (`.get("/v1/...")`, `.post(...)`, ...;
  path parameters compared by position), and docs/service-common.openapi.yaml exactly the shared ones;
- docs/topics.asyncapi.yaml is a valid AsyncAPI 3.0 document whose channels are exactly TopicCatalogue's topics
  and whose messages are exactly the event types declared in Shared/Events.
Exits 1 naming every difference."""
import pathlib
import re
import sys

import yaml
from openapi_spec_validator import validate

ROOT = pathlib.Path(__file__).resolve().parents[3]
SERVICES = {
    "register-ingest": "RegisterIngest", "absence-detector": "AbsenceDetector", "pathway-coordinator": "PathwayCoordinator",
    "meeting-scheduler": "MeetingScheduler", "notification": "NotificationService",
}
ROUTE = re.compile(r'\.(get|post|put|patch|delete)\(\s*"(/[^"]*)"')


def normalise(path):
    # `{token}.ics` in a document is one parameter, as Hummingbird matches it (`:file`).
    return re.sub(r"\{\}\.[a-z]+$", "{}", re.sub(r"\{[^}]+\}|:[A-Za-z0-9_]+", "{}", path))


def code_operations(directory):
    found = set()
    for source in (ROOT / directory).rglob("*.swift"):
        text = source.read_text()
        for method, path in ROUTE.findall(text):
            found.add((method.upper(), normalise(path)))
        # A route group with a prefix: `let admin = api.group("/v1/admin/pupils/:upn")...` then `admin.get("export")`,
        # or a chain ending in `.get {` for the prefix itself.
        for variable, prefix in re.findall(r'let (\w+) = \w+\.group\("(/[^"]*)"\)', text):
            for method, rest in re.findall(rf'\b{variable}\.(get|post|put|patch|delete)\(\s*"([^"]*)"', text):
                found.add((method.upper(), normalise(prefix.rstrip("/") + "/" + rest.lstrip("/"))))
        for prefix, method in re.findall(r'\.group\("(/[^"]*)"\)[^\n]*\.(get|post|put|patch|delete)\s*\{', text):
            found.add((method.upper(), normalise(prefix)))
    return found


def document_operations(document):
    return {(method.upper(), normalise(path)) for path, item in document.get("paths", {}).items()
            for method in item if method in ("get", "post", "put", "patch", "delete")}


def compare(name, documented, coded, problems):
    for method, path in sorted(coded - documented):
        problems.append(f"{name}: {method} {path} is in the code but not in the document")
    for method, path in sorted(documented - coded):
        problems.append(f"{name}: {method} {path} is in the document but not in the code")


def main():
    problems = []
    operations = 0
    for service, directory in SERVICES.items():
        path = ROOT / "docs" / f"{service}.openapi.yaml"
        if not path.exists():
            problems.append(f"{service}: no docs/{service}.openapi.yaml")
            continue
        document = yaml.safe_load(path.read_text())
        validate(document)
        documented = document_operations(document)
        operations += len(documented)
        compare(service, documented, code_operations(f"Services/{directory}"), problems)
    common = yaml.safe_load((ROOT / "docs/service-common.openapi.yaml").read_text())
    validate(common)
    compare("every service", document_operations(common), code_operations("Shared/ServiceRuntime"), problems)
    operations += len(document_operations(common))

    from pydantic_asyncapi import AsyncAPI
    events = yaml.safe_load((ROOT / "docs/topics.asyncapi.yaml").read_text())
    AsyncAPI.model_validate(events)
    catalogue = (ROOT / "Shared/Events/TopicCatalogue.swift").read_text()
    topics = set(re.findall(r'name: "([a-z][a-z0-9.-]*)"', catalogue))
    addresses = {channel.get("address") for channel in events.get("channels", {}).values()}
    for topic in sorted(topics - addresses):
        problems.append(f"topics: {topic} is in TopicCatalogue but not in docs/topics.asyncapi.yaml")
    for topic in sorted(addresses - topics - {None}):
        problems.append(f"topics: {topic} is in docs/topics.asyncapi.yaml but not in TopicCatalogue")
    declared = set()
    for source in (ROOT / "Shared/Events").glob("*.swift"):
        declared |= set(re.findall(r'public static let [a-zA-Z]+ = "([a-z]+\.[a-z.-]+)"', source.read_text()))
    # The raw registers on mis.registers have no envelope and so no event type: their message has no name.
    named = {message.get("name") for message in events.get("components", {}).get("messages", {}).values()} - {None}
    for event in sorted(declared - named):
        problems.append(f"events: {event} is declared in Shared/Events but has no message in docs/topics.asyncapi.yaml")
    for event in sorted(named - declared):
        problems.append(f"events: {event} is in docs/topics.asyncapi.yaml but not declared in Shared/Events")

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"API documents: {operations} operations in {len(SERVICES) + 1} OpenAPI documents, valid and equal to the routes in the code; "
          f"events: {len(addresses)} topics and {len(named)} event types in the AsyncAPI document, valid and equal to the catalogue")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Every metric the dashboard and the alert rules query is one the services emit: the names in the Swift sources'
`label: "..."` (dots read as underscores, as the Prometheus exporter writes them), Hummingbird's HTTP metrics and
Prometheus's own `up`; also those made straight in a registry (`makeGauge(name: "...")`). A renamed metric would otherwise leave an empty panel or an alert that can never fire."""
import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXTERNAL = {"up", "hb_requests", "hb_request_errors", "http_server_request_duration", "http_server_active_requests"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}


def emitted():
    names = set(EXTERNAL)
    for source in list(ROOT.glob("Shared/**/*.swift")) + list(ROOT.glob("Services/**/*.swift")):
        text = source.read_text()
        names |= {name.replace(".", "_") for name in re.findall(r'label: "([a-z_.]+)"', text)}
        # Straight into a Prometheus registry: registry.makeGauge(name: "service_ready", ...).
        names |= set(re.findall(r'make(?:Gauge|Counter|Histogram|DurationHistogram|ValueHistogram)\(name: "([a-z_]+)"', text))
    return names


def metrics(expr):
    text = re.sub(r'"[^"]*"', "", expr)
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)
    found = set()
    for match in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text):
        name, rest = match.group(0), text[match.end():].lstrip()
        if rest.startswith("(") or name in KEYWORDS or re.fullmatch(r"[0-9.e]+", name):
            continue
        found.add(re.sub(r"_(bucket|count|sum)$", "", name))
    return found


def main():
    known = emitted()
    queries = []
    dashboard = json.loads((ROOT / "deploy/monitoring/grafana/attendance.json").read_text())
    queries += [("dashboard: " + panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]
    rules = yaml.safe_load((ROOT / "deploy/monitoring/alerts.yml").read_text())
    queries += [("alert " + rule["alert"], rule["expr"]) for group in rules["groups"] for rule in group["rules"]]
    problems = [f"{where}: {name} is not emitted by any service" for where, expr in queries for name in sorted(metrics(expr)) if name not in known]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{len(queries)} queries (dashboard panels and alert rules) use only metrics the services emit")
    return 0


if __name__ == "__main__":
    sys.exit(main())

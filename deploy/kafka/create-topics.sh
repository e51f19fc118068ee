#!/usr/bin/env bash
# Creates every topic of the catalogue (topics.txt: name, partitions, retention in days or `history`) on an Apache
# Kafka cluster, replicated REPLICATION times with MIN_INSYNC replicas required for a write, and sets each topic's
# retention (again on every run, so a changed retention is applied). Stops at the first failure: a missing topic would
# otherwise surface later as a service that cannot start.
# Environment: KAFKA (bootstrap servers), TOPICS_FILE, REPLICATION (3), MIN_INSYNC (2), HISTORY_RETENTION_DAYS (1095:
# the registers' history, the LA's retention policy), KAFKA_BIN (/opt/kafka/bin), KAFKA_COMMAND_CONFIG (a client
# properties file for a secured cluster: SASL_SSL with an admin user allowed to create and alter topics).
set -euo pipefail
: "${KAFKA:?set KAFKA to the bootstrap servers}" "${TOPICS_FILE:?set TOPICS_FILE to the topic catalogue}"
replication="${REPLICATION:-3}" min_insync="${MIN_INSYNC:-2}" history_days="${HISTORY_RETENTION_DAYS:-1095}" bin="${KAFKA_BIN:-/opt/kafka/bin}"
secured=(); [ -n "${KAFKA_COMMAND_CONFIG:-}" ] && secured=(--command-config "$KAFKA_COMMAND_CONFIG")
count=0
while read -r name partitions retention; do
  case "$name" in ''|'#'*) continue ;; esac
  # A malformed line stops the job: an empty retention would otherwise read as 0 and empty the topic.
  [[ "$partitions" =~ ^[1-9][0-9]*$ && "$retention" =~ ^([1-9][0-9]*|history)$ ]] \
    || { echo "create-topics: bad line for $name: partitions '$partitions', retention '$retention'" >&2; exit 1; }
  days="$retention"; [ "$retention" = history ] && days="$history_days"
  retention_ms=$((days * 24 * 3600 * 1000))
  "$bin/kafka-topics.sh" --bootstrap-server "$KAFKA" "${secured[@]}" --create --if-not-exists --topic "$name" --partitions "$partitions" \
    --replication-factor "$replication" --config "min.insync.replicas=$min_insync" --config "retention.ms=$retention_ms" --config cleanup.policy=delete
  "$bin/kafka-configs.sh" --bootstrap-server "$KAFKA" "${secured[@]}" --alter --entity-type topics --entity-name "$name" \
    --add-config "retention.ms=$retention_ms,min.insync.replicas=$min_insync" >/dev/null
  count=$((count + 1))
done < "$TOPICS_FILE"
echo "topics: $count created or checked (replication $replication, $min_insync in sync, history kept $history_days days)"

#!/usr/bin/env bash
# The tests need PostgreSQL and Redis on 127.0.0.1. Start them when installed but stopped; otherwise say how.
set -uo pipefail
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { echo "PostgreSQL is not answering on 127.0.0.1:5432 (user postgres, trust auth)." \
    "Install it with 'apt-get install postgresql' and start it with" \
    "'pg_ctlcluster --skip-systemctl-redirect <version> main start'." >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is not answering; starting it"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
  fi
  redis_up || { echo "Redis is not answering on 127.0.0.1:6379. Install it with 'apt-get install" \
    "redis-server' and start it with 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379'." >&2; exit 1; }
fi
exit 0

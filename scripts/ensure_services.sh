#!/usr/bin/env bash
# PostgreSQL and Redis must answer on 127.0.0.1 for the test suite. If either is
# installed but stopped, start it; if it cannot be reached, say what is missing.
set -u
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}
REDIS_PORT=${REDIS_PORT:-6379}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering; starting it..."
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    for _ in $(seq 1 20); do pg_up && break; sleep 0.5; done
  fi
fi
if ! pg_up; then
  echo "ERROR: PostgreSQL is not reachable at $PGHOST:$PGPORT." >&2
  echo "Install it (apt-get install postgresql) and start it, e.g." >&2
  echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start" >&2
  exit 1
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is not answering; starting it..."
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
      --appendonly no >/dev/null 2>&1 || true
    for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  fi
fi
if ! redis_up; then
  echo "ERROR: Redis is not reachable at $REDIS_HOST:$REDIS_PORT." >&2
  echo "Install it (apt-get install redis-server) and start it, e.g." >&2
  echo "  redis-server --daemonize yes --bind 127.0.0.1 --port 6379" >&2
  exit 1
fi
echo "PostgreSQL and Redis are reachable."

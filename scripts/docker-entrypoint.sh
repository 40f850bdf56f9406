#!/bin/sh
# Entrypoint of the web, worker and beat containers (and of the production smoke test, outside Docker).
# 1. wait for PostgreSQL (capped exponential backoff) and apply migrations under an advisory lock, so several
#    containers starting together migrate once and none starts its process on an old schema;
# 2. exec the command, so it replaces this shell and receives SIGTERM directly (tini is PID 1 in the image).
set -eu
python manage.py prepare_database
exec "$@"

#!/bin/sh
# The image's entrypoint: runs one of Hop's processes by its name. Node becomes
# PID 1 (exec), so SIGTERM reaches the process's own graceful stop.
set -eu
process="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$process" in
  web) exec node /app/apps/web/dist/main.js "$@" ;;
  worker) exec node /app/apps/worker/dist/main.js "$@" ;;
  release) exec node /app/apps/release/dist/main.js "$@" ;;
  redis-http) exec node /app/apps/redis-http/dist/main.js "$@" ;;
  -h | --help | help)
    echo "usage: hop web | worker | release | redis-http   (or any command, e.g. sh)"
    ;;
  *) exec "$process" "$@" ;;
esac

#!/usr/bin/env bash
# Make Redis and Memcached (Debian's packages) available to the shared rate-limit tests and
# print the servers' paths. Installs the packages when missing; idempotent; needs root (CI and the
# dev machines are root). Starts nothing: each test starts its own throwaway server on a free
# port (tests/service/test_ratelimit.py), so runs never see each other's counts.
set -euo pipefail
if ! command -v redis-server >/dev/null || ! command -v memcached >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        redis-server memcached >/dev/null
fi
command -v redis-server
command -v memcached

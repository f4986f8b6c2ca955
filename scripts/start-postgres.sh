#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's package) for the store tests and print its URL.
# Installs the package when missing; idempotent; needs root (CI and the dev machines are root).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
done
su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'whyrec'\"" | grep -q 1 ||
    su postgres -c "psql -q -c \"CREATE ROLE whyrec LOGIN CREATEDB PASSWORD 'whyrec'\""
su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_database WHERE datname = 'whyrec'\"" | grep -q 1 ||
    su postgres -c "createdb -O whyrec whyrec"
echo "postgresql+psycopg://whyrec:whyrec@127.0.0.1:5432/whyrec"

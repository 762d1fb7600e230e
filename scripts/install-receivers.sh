#!/usr/bin/env bash
# Installs the real log receivers the integration tests run against (rsyslog
# with RELP and TLS, ClickHouse) from Debian packages, if they are missing.
# Fast when everything is present; needs root only when something must be installed.
set -euo pipefail

missing=()
command -v rsyslogd >/dev/null 2>&1 || missing+=(rsyslog)
compgen -G '/usr/lib/*/rsyslog/imrelp.so' >/dev/null || missing+=(rsyslog-relp)
compgen -G '/usr/lib/*/rsyslog/lmnsd_gtls.so' >/dev/null || missing+=(rsyslog-gnutls)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v clickhouse-server >/dev/null 2>&1 || missing+=(clickhouse-server clickhouse-client)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-receivers: missing ${missing[*]}; run this script as root (it uses apt-get)" >&2
  exit 1
fi
echo "install-receivers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the real log receivers the integration tests run against (rsyslog
# with RELP and TLS, syslog-ng, ClickHouse) from Debian packages, if they are missing,
# and promtool (Debian package prometheus), which checks docs/alerts/prometheus-rules.yml.
# tinyproxy is the forward proxy HTTP shipping is tested through (test/support/tinyproxy.ts).
# Fast when everything is present; needs root only when something must be installed.
set -euo pipefail

missing=()
command -v rsyslogd >/dev/null 2>&1 || missing+=(rsyslog)
compgen -G '/usr/lib/*/rsyslog/imrelp.so' >/dev/null || missing+=(rsyslog-relp)
compgen -G '/usr/lib/*/rsyslog/lmnsd_gtls.so' >/dev/null || missing+=(rsyslog-gnutls)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v clickhouse-server >/dev/null 2>&1 || missing+=(clickhouse-server clickhouse-client)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)

# syslog-ng (strict RFC 6587 framing and RFC 5424 parsing checks) conflicts
# with rsyslog as a Debian package, so it is unpacked beside it instead: its
# libraries from Debian, its binary from syslog-ng-core extracted into
# $SYSLOG_NG_ROOT (test/support/syslog-ng.ts looks there).
SYSLOG_NG_ROOT="${PRODLOG_SYSLOG_NG_ROOT:-/opt/prodlog-receivers/syslog-ng}"
for lib in libivykis0 libnet1 libpcre3 libwrap0; do
  dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib")
done
need_syslog_ng=0
[ -x "$SYSLOG_NG_ROOT/usr/sbin/syslog-ng" ] || need_syslog_ng=1

if [ ${#missing[@]} -eq 0 ] && [ $need_syslog_ng -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  [ $need_syslog_ng -eq 0 ] || missing+=("syslog-ng (unpacked in $SYSLOG_NG_ROOT)")
  echo "install-receivers: missing ${missing[*]}; run this script as root (it uses apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
updated=0
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-receivers: installing ${missing[*]}"
  apt-get update -qq
  updated=1
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_syslog_ng -eq 1 ]; then
  echo "install-receivers: unpacking syslog-ng-core into $SYSLOG_NG_ROOT"
  download="$(mktemp -d)"
  chmod 755 "$download" # apt's download user must be able to write there
  if ! (cd "$download" && apt-get download -qq syslog-ng-core >/dev/null 2>&1); then
    [ $updated -eq 1 ] || apt-get update -qq
    (cd "$download" && apt-get download -qq syslog-ng-core >/dev/null)
  fi
  mkdir -p "$SYSLOG_NG_ROOT"
  dpkg -x "$download"/syslog-ng-core_*.deb "$SYSLOG_NG_ROOT"
  rm -rf "$download"
fi

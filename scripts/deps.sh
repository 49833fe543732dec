#!/usr/bin/env bash
# Installs what the tests and `make run` need on a fresh Debian machine with Go:
# Chromium (e2e), PostgreSQL (store tests), brotli (size figures) and Node
# (the WebAssembly module's own Go tests run under it: go_js_wasm_exec),
# Samba AD DC and OpenLDAP slapd (server/directory's tests start real ones), and
# python3-aiosmtpd (the receiving SMTP server of server/notify/smtptest).
# Idempotent and quiet when everything is there; apt-get as root.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v brotli >/dev/null 2>&1 || need+=(brotli)
command -v node >/dev/null 2>&1 || need+=(nodejs)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need+=(postgresql); fi
command -v samba >/dev/null 2>&1 || need+=(samba)
command -v samba-tool >/dev/null 2>&1 || need+=(samba-ad-dc)
[ -d /usr/share/samba/setup/ad-schema ] || need+=(samba-ad-provision)
command -v slapd >/dev/null 2>&1 || need+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
fi
# oidc-provider (panva) for the tests' OpenID provider (server/oidc/oidctest),
# installed with npm into Go's cache folder, once.
op_dir="$(go env GOCACHE)/styrke-oidc-provider"
if [ ! -f "$op_dir/node_modules/oidc-provider/package.json" ]; then
  echo "deps: installing oidc-provider into $op_dir" >&2
  mkdir -p "$op_dir"
  (cd "$op_dir" && npm install --no-audit --no-fund --silent oidc-provider@9 </dev/null >/dev/null)
fi

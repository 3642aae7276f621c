#!/usr/bin/env bash
# Installs the real peers the tests drive, from Debian's packages, when they are missing.
set -euo pipefail
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v certtool >/dev/null || need+=(gnutls-bin)
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
command -v pkcs11-tool >/dev/null || need+=(opensc)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v chromium >/dev/null || need+=(chromium)   # the portal's end-to-end tests (Playwright drives it; nothing is downloaded)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
command -v named >/dev/null || need+=(bind9)
command -v dnssec-signzone >/dev/null || need+=(bind9-utils)   # dnssec-keygen, dnssec-signzone (DNSSEC CAA tests)
command -v nsupdate >/dev/null || need+=(bind9-dnsutils)
command -v dig >/dev/null || need+=(bind9-dnsutils)
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need+=(python3-aiosmtpd)
command -v certbot >/dev/null || need+=(certbot python3-certbot-dns-rfc2136)
command -v lego >/dev/null || need+=(lego)
command -v pebble >/dev/null || need+=(pebble)
[ -e /usr/share/publicsuffix/public_suffix_list.dat ] || need+=(publicsuffix)   # registered-domain rate limits (Castellan:Validation:PublicSuffixList)
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required" >&2; exit 1; }
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends "${need[@]}" >/dev/null
fi

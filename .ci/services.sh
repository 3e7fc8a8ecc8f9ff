#!/usr/bin/env bash
# Local stand-ins for cloud object stores, for floe-io's conformance suite and the I/O bench:
# moto_server (S3 wire protocol) and, where npm can provide it, Azurite (Azure Blob).
#
#   source .ci/services.sh start   # installs what is missing, starts both on free loopback
#                                  # ports, creates the bucket/container, exports the variables
#   source .ci/services.sh stop    # stops what `start` started in this shell
#
# Exports, when the service answered:
#   FLOE_TEST_S3_URL=s3://floe-test   plus AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
#       AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_REGION, AWS_ALLOW_HTTP (explicit keys and
#       endpoint, so no SDK ever asks an instance metadata service for credentials)
#   FLOE_TEST_AZURE_URL=az://floe-test   plus AZURE_STORAGE_ACCOUNT_NAME, AZURE_STORAGE_ACCOUNT_KEY,
#       AZURE_STORAGE_USE_EMULATOR, AZURITE_BLOB_STORAGE_URL, AZURE_ALLOW_HTTP
# A service that cannot be installed or started is reported and its variable left unset, so
# its tests print that they were skipped.
# Must be sourced (it exports into the calling shell); it does not `set -e` the caller.

_floe_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

_floe_wait_http() { # url, seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if curl -s -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

_floe_start_moto() {
  if ! command -v moto_server >/dev/null 2>&1; then
    echo "services: installing moto[server]"
    python3 -m pip install --quiet "moto[server]" >/dev/null 2>&1 || true
  fi
  if ! command -v moto_server >/dev/null 2>&1; then
    echo "services: moto_server unavailable; S3 tests will be skipped"
    return 0
  fi
  local port
  port=$(_floe_free_port)
  moto_server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/floe-moto.log" 2>&1 &
  FLOE_MOTO_PID=$!
  if ! _floe_wait_http "http://127.0.0.1:$port/" 30; then
    echo "services: moto_server did not answer on port $port; S3 tests will be skipped"
    kill "$FLOE_MOTO_PID" 2>/dev/null || true
    unset FLOE_MOTO_PID
    return 0
  fi
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ENDPOINT="http://127.0.0.1:$port"
  export AWS_ACCESS_KEY_ID=floe AWS_SECRET_ACCESS_KEY=floe-secret
  export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_ALLOW_HTTP=true
  export AWS_EC2_METADATA_DISABLED=true
  # CreateBucket through the S3 API (moto accepts unsigned requests).
  if curl -s -f -X PUT "$AWS_ENDPOINT_URL/floe-test" -o /dev/null; then
    export FLOE_TEST_S3_URL=s3://floe-test
    echo "services: moto_server on 127.0.0.1:$port (pid $FLOE_MOTO_PID), bucket floe-test"
  else
    echo "services: could not create the moto bucket; S3 tests will be skipped"
  fi
}

_floe_start_azurite() {
  local azurite=()
  if command -v azurite-blob >/dev/null 2>&1; then
    azurite=(azurite-blob)
  elif command -v npm >/dev/null 2>&1; then
    echo "services: installing azurite"
    npm install -g azurite >/dev/null 2>&1 || true
    command -v azurite-blob >/dev/null 2>&1 && azurite=(azurite-blob)
  fi
  if [ ${#azurite[@]} -eq 0 ]; then
    echo "services: azurite unavailable; Azure tests will be skipped"
    return 0
  fi
  local port dir
  port=$(_floe_free_port)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/floe-azurite.XXXXXX")
  "${azurite[@]}" --blobHost 127.0.0.1 --blobPort "$port" --location "$dir" --silent \
    --skipApiVersionCheck --loose >"${TMPDIR:-/tmp}/floe-azurite.log" 2>&1 &
  FLOE_AZURITE_PID=$!
  FLOE_AZURITE_DIR=$dir
  if ! _floe_wait_http "http://127.0.0.1:$port/" 30; then
    echo "services: azurite did not answer on port $port; Azure tests will be skipped"
    kill "$FLOE_AZURITE_PID" 2>/dev/null || true
    unset FLOE_AZURITE_PID
    return 0
  fi
  # Azurite's well-known development account.
  export AZURE_STORAGE_ACCOUNT_NAME=devstoreaccount1
  export AZURE_STORAGE_ACCOUNT_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export AZURE_STORAGE_USE_EMULATOR=true AZURE_ALLOW_HTTP=true
  export AZURITE_BLOB_STORAGE_URL="http://127.0.0.1:$port"
  if _floe_azurite_container floe-test; then
    export FLOE_TEST_AZURE_URL=az://floe-test
    echo "services: azurite on 127.0.0.1:$port (pid $FLOE_AZURITE_PID), container floe-test"
  else
    echo "services: could not create the Azurite container; Azure tests will be skipped"
  fi
}

# Creates a blob container with a SharedKey-signed request (no Azure SDK needed).
_floe_azurite_container() {
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, os, sys, urllib.request
from email.utils import formatdate
account, key = os.environ["AZURE_STORAGE_ACCOUNT_NAME"], os.environ["AZURE_STORAGE_ACCOUNT_KEY"]
base, name = os.environ["AZURITE_BLOB_STORAGE_URL"], sys.argv[1]
date, version = formatdate(usegmt=True), "2021-08-06"
to_sign = "PUT\n\n\n\n\n\n\n\n\n\n\n\n" + f"x-ms-date:{date}\nx-ms-version:{version}\n" \
    + f"/{account}/{account}/{name}\nrestype:container"
signature = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
request = urllib.request.Request(f"{base}/{account}/{name}?restype=container", method="PUT", data=None, headers={
    "x-ms-date": date, "x-ms-version": version, "Authorization": f"SharedKey {account}:{signature}"})
try:
    urllib.request.urlopen(request)
except urllib.error.HTTPError as e:
    sys.exit(0 if e.code == 409 else f"create container: HTTP {e.code} {e.read()[:300]!r}")
PY
}

_floe_stop() {
  if [ -n "${FLOE_MOTO_PID:-}" ]; then kill "$FLOE_MOTO_PID" 2>/dev/null || true; fi
  if [ -n "${FLOE_AZURITE_PID:-}" ]; then kill "$FLOE_AZURITE_PID" 2>/dev/null || true; fi
  if [ -n "${FLOE_AZURITE_DIR:-}" ]; then rm -rf "$FLOE_AZURITE_DIR"; fi
  unset FLOE_MOTO_PID FLOE_AZURITE_PID FLOE_AZURITE_DIR FLOE_TEST_S3_URL FLOE_TEST_AZURE_URL
}

case "${1:-start}" in
  start)
    _floe_start_moto
    _floe_start_azurite
    ;;
  stop) _floe_stop ;;
  *) echo "usage: source .ci/services.sh start|stop" >&2 ;;
esac

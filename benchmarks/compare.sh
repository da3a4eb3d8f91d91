#!/usr/bin/env bash
# Side-by-side comparison in ONE run on this machine: the same scenarios, message size and rates against this
# router (over WebSocket, then Aeron), nats-server (through jnats) and Mosquitto (through Paho), each started by
# the generator on a loopback port and stopped by its PID. Figures are reported as ratios to this router.
#   benchmarks/compare.sh [scenarios] [generator flags]      (also: ./clasp bench compare ...)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

if ! have nats-server || ! have mosquitto; then
  echo "compare: installing nats-server and mosquitto (Debian packages)..." >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y nats-server mosquitto >&2 || {
    $SUDO apt-get update >&2
    $SUDO apt-get install -y nats-server mosquitto >&2
  }
  # The package starts a system-wide mosquitto on port 1883; the comparison runs its own on another port.
fi

exec "$ROOT/clasp" bench --targets clasp-ws,clasp-aeron,nats,mosquitto "$@"

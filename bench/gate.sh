#!/usr/bin/env bash
# The performance gate: runs the short (--quick) version of every benchmark named in bench/gate-thresholds.properties
# and exits non-zero when a ratio against its baseline falls below its threshold, or anything is lost or duplicated.
# Ratios only, never absolute times. Usage: bench/gate.sh [--only queue,burst] [--no-run]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec ./herald bench gate "$@"

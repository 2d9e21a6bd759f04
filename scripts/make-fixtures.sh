#!/usr/bin/env bash
# Regenerates Fixtures/demo: a demo RSA key pair and a token that expired on 2025-06-01.
# Usage: scripts/make-fixtures.sh path/to/thrust-jwt
set -euo pipefail
bin=${1:?usage: make-fixtures.sh path/to/thrust-jwt}
cd "$(dirname "$0")/.."
"$bin" keygen --kid thrust-demo-2026 --out-dir Fixtures/demo --force --quiet
"$bin" mint --key Fixtures/demo/private.jwk.json --sub 5f0c6a2e-0000-4000-8000-000000000001 \
  --iss https://thrust-demo.projects.oryapis.com --claim sid='"8c1e0d4f-demo-session"' --claim jti='"b1f6d9a0-demo"' \
  --now 2025-06-01T09:00:00Z --exp 1h > Fixtures/demo/expired-token.txt

#!/usr/bin/env bash
# The offline demo until `thrust-jwt demo` (with the mock server) lands: decode and verify on the
# shipped fixtures, each step a short story. Exits 0 only when every step behaves as documented.
set -uo pipefail
bin=${1:?usage: demo.sh path/to/thrust-jwt}
cd "$(dirname "$0")/.."
fx=Fixtures/demo
failures=0
secrets=()

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
expect() {  # expect CODE command...
  local want=$1; shift
  local shown="$*"
  for t in "${secrets[@]}"; do shown=${shown//"$t"/\$TOKEN}; done   # never echo a token whole
  printf '$ %s\n' "$shown"
  "$@"
  local got=$?
  if [ "$got" -ne "$want" ]; then echo "!! expected exit $want, got $got"; failures=$((failures + 1)); else echo "(exit $got, as expected)"; fi
}

step "1. Mint a fresh Ory-style token with the demo key (valid 1h)"
token=$("$bin" mint --key $fx/private.jwk.json --sub 5f0c6a2e-0000-4000-8000-000000000001 \
  --iss https://thrust-demo.projects.oryapis.com --claim sid='"demo-session"' --claim jti='"demo-jti"' --exp 1h) || failures=$((failures + 1))
secrets+=("$token" "$(cat $fx/expired-token.txt)")
echo "minted a ${#token}-byte RS256 token (kept in \$TOKEN; never printed whole)"

step "2. Decode it: what it is and when it expires"
expect 0 "$bin" decode "$token"

step "3. Verify it against the published key set"
expect 0 "$bin" verify --jwks $fx/jwks.json --iss https://thrust-demo.projects.oryapis.com "$token"

step "4. The same check as JSON, for scripts"
expect 0 "$bin" verify --jwks $fx/jwks.json --json "$token"

step "5. A token that expired on 2025-06-01: what the API would answer"
expect 1 "$bin" verify --jwks $fx/jwks.json "$(cat $fx/expired-token.txt)"

step "6. A forged token (payload changed, old signature) is refused"
forged_payload=$(printf '{"sub":"admin","iss":"https://thrust-demo.projects.oryapis.com","exp":4102444800}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
IFS=. read -r h _ s <<<"$token"
secrets+=("$h.$forged_payload.$s")
expect 1 "$bin" verify --jwks $fx/jwks.json "$h.$forged_payload.$s"

step "7. An unsigned alg:none token is never accepted"
none_header=$(printf '{"alg":"none"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
secrets+=("$none_header.$forged_payload.")
expect 1 "$bin" verify --jwks $fx/jwks.json "$none_header.$forged_payload."

step "8. The key set itself: kids, sizes, RFC 7638 thumbprints"
expect 0 "$bin" jwks $fx/jwks.json

echo
if [ "$failures" -eq 0 ]; then echo "demo: every step behaved as documented"; else echo "demo: $failures step(s) did not behave as documented"; exit 1; fi

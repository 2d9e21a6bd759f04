#!/usr/bin/env bash
# Benchmarks for `make bench` (SPEC "Speed"). Usage: Benchmarks/bench.sh BIN_DIR
#
#   a. openssl speed: the machine's RSA-2048 and P-256 verify rates (one process, and -multi 2)
#   b. thrust-bench: whole-token TokenVerifier.verify/s on one thread    target RS256 >= 80% of (a)
#   c. thrust-jwt verify --batch --jobs 1 and --jobs 2 on N RS256 tokens  target >= 1.8x scaling
#      (and, for information, the library alone on 1 and 2 threads)
#   d. process start-up, one verify: thrust-jwt vs jose vs openssl dgst   target <= 1.5x each
#
# BIN_DIR holds release builds of thrust-jwt and thrust-bench. Everything is written to a temp dir
# that is removed at the end. Exits non-zero when a tool is missing, a benchmark's verification
# fails or a measurement cannot be parsed; a missed target is reported as MISS (and fails the run
# only with BENCH_STRICT=1). Tunables: BENCH_SECONDS (2), BENCH_TOKENS (20000), BENCH_RUNS (200).
set -euo pipefail

die() { echo "bench.sh: FAIL: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 BIN_DIR"
BIN=$1
THRUST=$BIN/thrust-jwt
BENCH=$BIN/thrust-bench
SECONDS_PER=${BENCH_SECONDS:-2}
TOKENS=${BENCH_TOKENS:-20000}
RUNS=${BENCH_RUNS:-200}

for f in "$THRUST" "$BENCH"; do [ -x "$f" ] || die "$f is missing or not executable (build it first)"; done
for t in openssl hyperfine jose awk base64 tr; do
  command -v "$t" >/dev/null 2>&1 || die "'$t' is not installed (make bench-deps installs hyperfine and jose)"
done
# hyperfine -N (= --shell=none, 1.13+) times the process alone, without a shell around it.
if hyperfine --help 2>&1 | grep -q -- '--shell=none'; then NOSHELL=(-N); else NOSHELL=(); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/thrust-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
START=$(date +%s)

# Arithmetic helpers (awk: bash has no floating point).
pct()   { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", 100 * a / b + 0.5 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms()    { awk -v s="$1" 'BEGIN { printf "%.2f", s * 1000 }'; }
ge()    { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
num()   { [[ $2 =~ ^[0-9]+([.][0-9]+)?$ ]] || die "could not parse $1 (got '${2}')"; }
kv()    { awk -F= -v k="$1" '$1 == k { print $2 }' "$WORK/thrust-bench.out"; }
# csv_col FILE ROW COL: hyperfine --export-csv is command,mean,stddev,median,user,system,min,max.
csv_col() { awk -F, -v r="$2" -v c="$3" 'NR == r + 1 { print $c }' "$1"; }

ROWS=()
MISSES=0
row()    { ROWS+=("$(printf '%-34s %14s   %-32s %8s  %-7s %s' "$@")"); }
# check CONDITION...: sets ST to ok or MISS (and counts the misses); not in a subshell.
check()  { if "$@"; then ST=ok; else ST=MISS; MISSES=$((MISSES + 1)); fi; }

read -r LOAD1 _ < /proc/loadavg
echo "== thrust-jwt benchmarks: $(nproc) CPUs, load average $LOAD1, $(openssl version | awk '{print $1, $2}')"
if ! awk -v l="$LOAD1" 'BEGIN { exit !(l < 0.5) }'; then
  echo "   warning: the machine is busy (load $LOAD1): throughput and scaling figures will be low and noisy"
fi

# ---- a. openssl speed ---------------------------------------------------------------------------
echo
echo "== a. openssl speed -seconds $SECONDS_PER rsa2048 ecdsap256 (one process), then rsa2048 with -multi 2"
# -mr prints "+F2:index:bits:sign/s:verify/s" for RSA and "+F4:..." for ECDSA, exactly the columns
# of the human table ("rsa 2048 bits ... sign/s verify/s", "256 bits ecdsa (nistp256) ...").
openssl speed -seconds "$SECONDS_PER" -mr rsa2048 ecdsap256 > "$WORK/speed.txt" 2> "$WORK/speed.err" \
  || { cat "$WORK/speed.err" >&2; die "openssl speed failed"; }
OSSL_RSA_SIGN=$(awk -F: '$1 == "+F2" && $3 == 2048 { print $4 }' "$WORK/speed.txt")
OSSL_RSA=$(awk -F: '$1 == "+F2" && $3 == 2048 { print $5 }' "$WORK/speed.txt")
OSSL_EC=$(awk -F: '$1 == "+F4" && $3 == 256 { print $5 }' "$WORK/speed.txt")
num "openssl speed rsa2048 verify/s" "$OSSL_RSA"
num "openssl speed ecdsap256 verify/s" "$OSSL_EC"
openssl speed -multi 2 -seconds "$SECONDS_PER" -mr rsa2048 > "$WORK/speed2.txt" 2> "$WORK/speed2.err" \
  || { cat "$WORK/speed2.err" >&2; die "openssl speed -multi 2 failed"; }
OSSL_RSA2=$(awk -F: '$1 == "+F2" && $3 == 2048 { print $5 }' "$WORK/speed2.txt")
num "openssl speed -multi 2 rsa2048 verify/s" "$OSSL_RSA2"
printf '   rsa 2048 bits            verify %8.0f/s   (sign %.0f/s)\n' "$OSSL_RSA" "$OSSL_RSA_SIGN"
printf '   256 bits ecdsa (nistp256) verify %8.0f/s\n' "$OSSL_EC"
printf '   rsa 2048 bits, -multi 2  verify %8.0f/s = %sx one process (what 2 cores give)\n' "$OSSL_RSA2" "$(ratio "$OSSL_RSA2" "$OSSL_RSA")"

# ---- b. thrust-bench ----------------------------------------------------------------------------
echo
echo "== b. thrust-bench: TokenVerifier.verify on one thread, keys parsed once"
"$BENCH" --seconds "$SECONDS_PER" > "$WORK/thrust-bench.out" 2>&1 \
  || { cat "$WORK/thrust-bench.out" >&2; die "thrust-bench failed"; }
grep -v '=' "$WORK/thrust-bench.out" | sed 's/^/   /'
RS=$(kv rs256_verify_per_s); ES=$(kv es256_verify_per_s); ED=$(kv eddsa_verify_per_s); HS=$(kv hs256_verify_per_s)
RS_SIG=$(kv rs256_signature_per_s); ES_SIG=$(kv es256_signature_per_s)
for v in RS ES ED HS RS_SIG ES_SIG; do num "thrust-bench $v" "${!v}"; done
RS_PCT=$(pct "$RS" "$OSSL_RSA"); ES_PCT=$(pct "$ES" "$OSSL_EC")
echo "   RS256 whole-token verify: $RS/s = $RS_PCT% of openssl speed rsa2048 verify ($(printf %.0f "$OSSL_RSA")/s); target >= 80%"
echo "   ES256 whole-token verify: $ES/s = $ES_PCT% of openssl speed ecdsap256 verify ($(printf %.0f "$OSSL_EC")/s)"
echo "   (in the same process the bare signature check runs $RS_SIG/s RS256, $ES_SIG/s ES256: whole token = $(pct "$RS" "$RS_SIG")%, $(pct "$ES" "$ES_SIG")% of it)"
check ge "$RS_PCT" 80
row "RS256 verify, 1 thread" "$RS/s" "openssl rsa2048 $(printf %.0f "$OSSL_RSA")/s" "$RS_PCT%" ">=80%" "$ST"
row "ES256 verify, 1 thread" "$ES/s" "openssl nistp256 $(printf %.0f "$OSSL_EC")/s" "$ES_PCT%" "" "info"
row "EdDSA verify, 1 thread" "$ED/s" "" "" "" "info"
row "HS256 verify, 1 thread" "$HS/s" "" "" "" "info"

# ---- c. batch -----------------------------------------------------------------------------------
echo
echo "== c. thrust-jwt verify --batch --jwks jwks.json on $TOKENS RS256 tokens, --jobs 1 and --jobs 2"
"$BENCH" tokens "$TOKENS" "$WORK" > "$WORK/tokens.out" 2>&1 || { cat "$WORK/tokens.out" >&2; die "thrust-bench tokens failed"; }
sed 's/^/   /' "$WORK/tokens.out"
[ "$(wc -l < "$WORK/tokens.txt")" -eq "$TOKENS" ] || die "tokens.txt does not hold $TOKENS lines"
# One checked run per job count: exit 0 and every line valid, before any timing.
for j in 1 2; do
  rc=0
  "$THRUST" verify --batch --jwks "$WORK/jwks.json" --jobs "$j" < "$WORK/tokens.txt" > "$WORK/batch$j.jsonl" 2> "$WORK/batch$j.err" || rc=$?
  [ "$rc" -eq 0 ] || { tail -5 "$WORK/batch$j.err" >&2; die "verify --batch --jobs $j exited $rc"; }
  valid=$(grep -c '"valid":true' "$WORK/batch$j.jsonl" || true)
  [ "$valid" -eq "$TOKENS" ] || die "verify --batch --jobs $j: $valid of $TOKENS tokens valid"
  echo "   checked --jobs $j: $valid/$TOKENS valid; its own summary: $(grep '^batch:' "$WORK/batch$j.err" | sed 's/^batch: //')"
done
# Wall time of the whole process, stdin to stdout, through a shell for the redirections.
hyperfine --style basic --warmup 1 --runs 5 --export-csv "$WORK/batch.csv" \
  -n "jobs 1" "'$THRUST' verify --batch --jwks '$WORK/jwks.json' --jobs 1 < '$WORK/tokens.txt' > /dev/null" \
  -n "jobs 2" "'$THRUST' verify --batch --jwks '$WORK/jwks.json' --jobs 2 < '$WORK/tokens.txt' > /dev/null" \
  > "$WORK/batch.hyperfine" 2>&1 || { cat "$WORK/batch.hyperfine" >&2; die "hyperfine (batch) failed"; }
B1=$(csv_col "$WORK/batch.csv" 1 2); B2=$(csv_col "$WORK/batch.csv" 2 2)
num "batch --jobs 1 mean time" "$B1"; num "batch --jobs 2 mean time" "$B2"
R1=$(awk -v n="$TOKENS" -v t="$B1" 'BEGIN { printf "%d", n / t }')
R2=$(awk -v n="$TOKENS" -v t="$B2" 'BEGIN { printf "%d", n / t }')
SCALE=$(ratio "$B1" "$B2")
echo "   --jobs 1: $(ms "$B1") ms mean of 5 = $R1 tokens/s"
echo "   --jobs 2: $(ms "$B2") ms mean of 5 = $R2 tokens/s"
echo "   scaling: ${SCALE}x (target >= 1.8x; openssl speed -multi 2 gave $(ratio "$OSSL_RSA2" "$OSSL_RSA")x)"
# The library alone on two threads sharing one TokenVerifier, as --jobs 2 shares it: separates
# the library's scaling from the command's serial work (reading, Bearer stripping, output).
"$BENCH" threads > "$WORK/threads.out" 2>&1 || { cat "$WORK/threads.out" >&2; die "thrust-bench threads failed"; }
L1=$(awk -F= '$1 == "rs256_verify_1thread_per_s" { print $2 }' "$WORK/threads.out")
L2=$(awk -F= '$1 == "rs256_verify_2threads_per_s" { print $2 }' "$WORK/threads.out")
num "thrust-bench threads (1)" "$L1"; num "thrust-bench threads (2)" "$L2"
echo "   library alone (thrust-bench threads): RS256 TokenVerifier.verify $L1/s on 1 thread, $L2/s on 2 = $(ratio "$L2" "$L1")x"
row "batch --jobs 1 (whole process)" "$R1/s" "" "" "" "info"
check ge "$SCALE" 1.8
row "batch --jobs 2 (whole process)" "$R2/s" "--jobs 1" "${SCALE}x" ">=1.8x" "$ST"
row "library RS256 verify, 2 threads" "$L2/s" "1 thread $L1/s" "$(ratio "$L2" "$L1")x" "" "info"

# ---- d. process start-up ------------------------------------------------------------------------
echo
echo "== d. start-up: one RS256 verify per process (hyperfine ${NOSHELL[*]:-(via shell)} --warmup 20 --runs $RUNS)"
TOKEN=$(cat "$WORK/token.txt")
printf %s "${TOKEN%.*}" > "$WORK/input.txt"          # the signing input: header.payload
sig=$(printf %s "${TOKEN##*.}" | tr '_-' '/+')        # base64url -> base64, then padding
case $(( ${#sig} % 4 )) in 2) sig="$sig==" ;; 3) sig="$sig=" ;; esac
printf %s "$sig" | base64 -d > "$WORK/sig.bin" || die "the token's signature does not decode"
CMD_THRUST=("$THRUST" verify --quiet --key "$WORK/public.pem" "$TOKEN")
CMD_JOSE=(jose jws ver -i "$WORK/token.txt" -k "$WORK/jwk.json")
CMD_OSSL=(openssl dgst -sha256 -verify "$WORK/public.pem" -signature "$WORK/sig.bin" "$WORK/input.txt")
for name in THRUST JOSE OSSL; do
  declare -n cmd="CMD_$name"
  out=$("${cmd[@]}" 2>&1) || die "'${cmd[*]:0:4} …' does not verify the token (exit $?): $out"
  unset -n cmd
done
q() { printf '%q ' "$@"; }   # one command line for hyperfine, split back by its own parser
hyperfine --style basic "${NOSHELL[@]}" --warmup 20 --runs "$RUNS" --export-csv "$WORK/startup.csv" \
  -n "thrust-jwt verify --key" "$(q "${CMD_THRUST[@]}")" \
  -n "jose jws ver" "$(q "${CMD_JOSE[@]}")" \
  -n "openssl dgst -verify" "$(q "${CMD_OSSL[@]}")" \
  > "$WORK/startup.hyperfine" 2>&1 || { cat "$WORK/startup.hyperfine" >&2; die "hyperfine (start-up) failed"; }
T_US=$(csv_col "$WORK/startup.csv" 1 2); T_JOSE=$(csv_col "$WORK/startup.csv" 2 2); T_OSSL=$(csv_col "$WORK/startup.csv" 3 2)
num "thrust-jwt start-up" "$T_US"; num "jose start-up" "$T_JOSE"; num "openssl start-up" "$T_OSSL"
X_JOSE=$(ratio "$T_US" "$T_JOSE"); X_OSSL=$(ratio "$T_US" "$T_OSSL")
SD() { csv_col "$WORK/startup.csv" "$1" 3; }
echo "   thrust-jwt verify --key public.pem TOKEN  $(ms "$T_US") ms ± $(ms "$(SD 1)")"
echo "   jose jws ver -i token -k jwk.json          $(ms "$T_JOSE") ms ± $(ms "$(SD 2)")  -> thrust-jwt = ${X_JOSE}x"
echo "   openssl dgst -sha256 -verify               $(ms "$T_OSSL") ms ± $(ms "$(SD 3)")  -> thrust-jwt = ${X_OSSL}x"
le15() { awk -v a="$1" 'BEGIN { exit !(a <= 1.5) }'; }
check le15 "$X_JOSE"
row "start-up: thrust-jwt verify" "$(ms "$T_US") ms" "jose jws ver $(ms "$T_JOSE") ms" "${X_JOSE}x" "<=1.5x" "$ST"
check le15 "$X_OSSL"
row "" "" "openssl dgst $(ms "$T_OSSL") ms" "${X_OSSL}x" "<=1.5x" "$ST"

# ---- summary ------------------------------------------------------------------------------------
echo
echo "== summary ($(( $(date +%s) - START )) s; load average now $(cut -d' ' -f1 /proc/loadavg))"
printf '%-34s %14s   %-32s %8s  %-7s %s\n' "measure" "ours" "reference" "ratio" "target" ""
for r in "${ROWS[@]}"; do echo "$r"; done
echo "bench_rs256_verify_per_s=$RS bench_rs256_pct_openssl=$RS_PCT bench_es256_verify_per_s=$ES bench_batch_scaling=$SCALE bench_startup_x_jose=$X_JOSE bench_startup_x_openssl=$X_OSSL"
if [ "$MISSES" -gt 0 ]; then
  echo "$MISSES target(s) missed"
  [ "${BENCH_STRICT:-0}" = 1 ] && exit 1
fi
exit 0

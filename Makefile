# thrust-jwt: `make demo` runs the main job offline, `make test` passes the tests.
# Every target that builds first installs the Debian packages it needs (as root, only when missing).

SWIFT      ?= swift
BIN_DIR    := .build/release
DEPS       := pkg-config openssl libssl-dev libcurl4-openssl-dev libmicrohttpd-dev
BENCH_DEPS := hyperfine jose

.PHONY: deps bench-deps build test demo bench fuzz clean

# Installs what is missing: `apt-get update` then `apt-get install -y` as root; otherwise prints
# the exact command and stops. A ready machine pays one dpkg query.
deps:
	@./scripts/ensure-packages.sh $(DEPS)

bench-deps: deps
	@./scripts/ensure-packages.sh $(BENCH_DEPS)

# The release binary, with the static Swift standard library (start-up is the lever: SPEC "Speed").
build: deps
	$(SWIFT) build -c release --static-swift-stdlib --product thrust-jwt

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel

demo: build
	$(BIN_DIR)/thrust-jwt demo

bench: bench-deps build
	$(SWIFT) build -c release --static-swift-stdlib --product thrust-bench
	@./Benchmarks/bench.sh $(BIN_DIR)

# libFuzzer + AddressSanitizer over the parsers untrusted input reaches (FUZZ_SECONDS, default 120).
FUZZ_SECONDS ?= 120
fuzz: deps
	$(SWIFT) build --scratch-path .build/fuzz --product thrust-fuzz --sanitize=fuzzer --sanitize=address \
	  -Xswiftc -parse-as-library -Xswiftc -DFUZZING
	mkdir -p .build/fuzz-corpus && cp Fixtures/demo/expired-token.txt Fixtures/demo/jwks.json .build/fuzz-corpus/
	.build/fuzz/debug/thrust-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=20000 .build/fuzz-corpus

clean:
	rm -rf .build

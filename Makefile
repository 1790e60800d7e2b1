# Thin wrapper over CMake: the two commands of the README are `make demo`
# and `make test`; each installs what is missing and builds first.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Fuzz smoke after the tests: every target this long, this many at a time.
FUZZ_SECONDS ?= 30
FUZZ_JOBS ?= 2

.PHONY: all deps build demo test test-release test-asan fuzz-smoke conformance clean

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@sh scripts/demo.sh $(BUILD)/cmd/leaktrawl

test: build test-release test-asan fuzz-smoke

test-release:
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
	    -DLT_SANITIZE='address;undefined' -DLT_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)

# clang comes with `make deps` where the distribution has it; without it the
# smoke is skipped, not failed.
fuzz-smoke: deps
	@if command -v clang >/dev/null 2>&1; then \
	    BUILD_JOBS=$(JOBS) sh scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_JOBS); \
	else \
	    echo "fuzz smoke: skipped (clang is not installed)"; \
	fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz

# Development tasks. Each target is one plain command; see README.md.

GO ?= go
TESTFLAGS ?= -race -count=1
FUZZTIME ?= 10s
PKGS ?= ./...

.PHONY: all build test vet fmt-check bench demo fuzz chaos

all: build

# The nhacviec binary.
build:
	$(GO) build -o bin/nhacviec ./cmd/nhacviec

# Every test, against one throwaway PostgreSQL cluster shared by all packages
# (tools/testdb sets TEST_DATABASE_URL; an already set one is used instead).
test:
	$(GO) run ./tools/testdb -- $(GO) test $(TESTFLAGS) $(PKGS)

vet:
	$(GO) vet ./...

# Fails listing the files gofmt would change.
fmt-check:
	@files="$$(gofmt -l .)"; \
	if [ -n "$$files" ]; then echo "gofmt needed:"; echo "$$files"; exit 1; fi

# Load benchmarks (tools/bench); BENCH_ARGS are passed on.
bench:
	$(GO) run ./tools/bench $(BENCH_ARGS)

# The whole product on embedded defaults, no Telegram token needed.
demo:
	$(GO) run ./cmd/nhacviec demo

# Every fuzz target for FUZZTIME each, one at a time (go test -fuzz takes
# one target per package per run). A failing input is saved under the
# package's testdata/fuzz/ and fails the target from then on.
fuzz:
	@grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . \
	| sed -E 's|^(.*)/[^/]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*|\1 \2|' | sort -u \
	| while read -r dir name; do \
		echo "fuzz $$dir $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$dir" || exit 1; \
	done

# The long fault-injection runs (tools/chaos): 20 kills of serve, minutes of
# Telegram errors, PostgreSQL restarts, two replicas, clock jumps, a minute
# of 429s from one chat; prints the table and writes it into
# docs/RELIABILITY.md. CHAOS_ARGS are passed on.
chaos:
	$(GO) run ./tools/chaos -doc docs/RELIABILITY.md $(CHAOS_ARGS)

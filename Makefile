# Development tasks. Each target is one plain command; see README.md.

GO ?= go
TESTFLAGS ?= -race -count=1
PKGS ?= ./...

.PHONY: all build test vet fmt-check bench demo

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

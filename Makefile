# DealDesk. `make run` starts it (console transport when no chat platform is
# configured); `make test` runs every test.
GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test lint fmt-check vet staticcheck deps bench

run:
	$(GO) run ./cmd/dealdesk

build:
	$(GO) build -o bin/dealdesk ./cmd/dealdesk

test:
	$(GO) test -race -count=1 ./...

lint: fmt-check vet staticcheck deps

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(STATICCHECK) ./...

# deps fails on an import that breaks the dependency direction of
# ../shared/docs/architecture.md.
deps:
	@bash .ci/deps

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

# DealDesk. `make run` starts it (console transport when no chat platform is
# configured); `make test` runs every test.
GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test lint fmt-check vet staticcheck deps bench load

run:
	$(GO) run ./cmd/dealdesk

build:
	$(GO) build -o bin/dealdesk ./cmd/dealdesk

# The end-to-end tests that run a second time on PostgreSQL (the store
# behaviour suite, the PostgreSQL store's own tests and the failover test
# run on it in the first pass).
E2E_POSTGRES = TestCaseInAMattermostThread|TestCaseInATelegramForum|TestEverydayCRMThroughTheConsole|TestEverydayCRMThroughTelegram|TestDocumentsThroughTelegramEndToEnd|TestDocumentsThroughTheConsole|TestRemindersThroughTelegram|TestReportsThroughTelegram|TestWorkRequestCorrectionApprovalAndRollbackThroughTelegram|TestTelegramEndToEnd|TestTelegramIntake|TestMattermostEndToEnd|TestMattermostIntake|TestHealthReadinessAndMetrics

# test runs every test, with a PostgreSQL cluster of its own when none is
# named (.ci/with-postgres), then the end-to-end tests again on PostgreSQL.
test:
	bash .ci/with-postgres bash -c '$(GO) test -race -count=1 ./... && \
		DEALDESK_TEST_STORE=postgres $(GO) test -race -count=1 -run "^($(E2E_POSTGRES))$$" ./cmd/dealdesk/'

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

# load runs the load test (cmd/dealdesk/load_test.go, build tag load): 200
# users in 50 chats through the fake Bot API for DEALDESK_LOAD_DURATION
# (default 60s) on bbolt, then on PostgreSQL when DEALDESK_TEST_POSTGRES
# names a cluster (skipped without it; start one with
# `eval "$(.ci/postgres-start)"`); it prints the replies' latencies and
# fails on an error reply or a lost one.
load:
	$(GO) test -tags load -run TestLoad -count=1 -timeout 20m -v ./cmd/dealdesk/

# Entry points for people and CI. Each target runs the same command in both.

GO            ?= go
SECSCAN_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/secscan
TRIVY_VERSION := $(shell awk '$$1 == "github.com/aquasecurity/trivy" {print $$2}' tools/trivy.mod)
TRIVY_BIN     ?= $(SECSCAN_CACHE)/bin/trivy-$(TRIVY_VERSION)
REPORTS       ?= reports
SECSCAN_FLAGS ?=

export SECSCAN_TRIVY := $(TRIVY_BIN)

.PHONY: all build test security-test security-scan scan-docker trivy fuzz bench vet clean

all: build test

# The app is its own module; with go.work, ./... covers only the root
# module, so its packages are named separately.
PACKAGES      := ./... ./app/...
FUZZTIME      ?= 10s

build:
	$(GO) build $(PACKAGES)

# trivy builds the pinned Trivy release once into the cache folder. It needs
# GOEXPERIMENT=jsonv2 and its own modfile so that Trivy's module graph never
# enters the main module's.
trivy: $(TRIVY_BIN)

$(TRIVY_BIN): tools/trivy.mod tools/trivy.sum
	@mkdir -p $(dir $@)
	GOWORK=off GOEXPERIMENT=jsonv2 CGO_ENABLED=0 $(GO) build -modfile=tools/trivy.mod -trimpath \
		-ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$(TRIVY_VERSION:v%=%)" \
		-o $@.tmp github.com/aquasecurity/trivy/cmd/trivy
	mv $@.tmp $@

security-scan: $(TRIVY_BIN)
	$(GO) run ./scanners/cmd/secscan scan --out $(REPORTS) $(SECSCAN_FLAGS) .

test: $(TRIVY_BIN)
	$(GO) test -count=1 $(PACKAGES)

# fuzz runs each fuzz target for FUZZTIME; CI runs it briefly on every change.
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzNewEntry -fuzztime=$(FUZZTIME) ./app
	$(GO) test -run='^$$' -fuzz=FuzzRenderIndex -fuzztime=$(FUZZTIME) ./app/http

# scan-docker builds the guestbook image and scans it with Trivy and
# hadolint; without a container engine it says so and scans what it can.
scan-docker: $(TRIVY_BIN)
	REPORTS=$(REPORTS) bash scripts/scan-docker.sh

security-test:
	$(GO) test -count=1 -v ./app/securitytest/

vet:
	$(GO) vet $(PACKAGES)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "run gofmt -w on the files above"; exit 1; }

# bench prints the scan, sequential-tools and 100,000-result figures.
bench: $(TRIVY_BIN)
	bash scripts/bench.sh

clean:
	rm -rf $(REPORTS)

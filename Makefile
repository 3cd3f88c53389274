# Entry points for people and CI. Each target runs the same command in both.

GO            ?= go
SECSCAN_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/secscan
TRIVY_VERSION := $(shell awk '$$1 == "github.com/aquasecurity/trivy" {print $$2}' tools/trivy.mod)
TRIVY_BIN     ?= $(SECSCAN_CACHE)/bin/trivy-$(TRIVY_VERSION)
SECSCAN       := bin/secscan
REPORTS       ?= reports
SECSCAN_FLAGS ?=

export SECSCAN_TRIVY := $(TRIVY_BIN)

.PHONY: all build test security-test security-scan scan-docker trivy fuzz bench vet clean $(SECSCAN)

all: build test

# The app is its own module; with go.work, ./... covers only the root
# module, so its packages are named separately.
PACKAGES      := ./... ./app/...
FUZZTIME      ?= 10s

build:
	$(GO) build $(PACKAGES)

# trivy builds the pinned Trivy release once into the cache folder. It needs
# GOEXPERIMENT=jsonv2 and its own modfile so that Trivy's module graph never
# enters the main module's. The version is in the file name, so a new pin
# builds a new binary; the modfiles are no prerequisite, because a fresh
# clone's files are always newer than a binary cached before it.
trivy: $(TRIVY_BIN)

$(TRIVY_BIN):
	@mkdir -p $(dir $@)
	GOWORK=off GOEXPERIMENT=jsonv2 CGO_ENABLED=0 $(GO) build -modfile=tools/trivy.mod -trimpath \
		-ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$(TRIVY_VERSION:v%=%)" \
		-o $@.tmp github.com/aquasecurity/trivy/cmd/trivy
	mv $@.tmp $@

# secscan is built rather than run with "go run", which turns every
# non-zero exit status into 1 and would hide secscan's exit codes.
$(SECSCAN):
	$(GO) build -o $@ ./scanners/cmd/secscan

# security-scan runs the main job. When it fails, make's last line shows
# secscan's exit code: "Error 1" results fail the policy, "Error 2" a usage
# or configuration error, "Error 3" a scanner failed or a required one did
# not run. make itself then exits with 2.
security-scan: $(TRIVY_BIN) $(SECSCAN)
	$(SECSCAN) scan --out $(REPORTS) $(SECSCAN_FLAGS) .

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
	rm -rf $(REPORTS) bin

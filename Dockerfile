# syntax=docker/dockerfile:1

# The guestbook web app: a static Go binary on Alpine, run as uid 1000 with
# a read-only root file system. Only app/ is sent to the build (see
# .dockerignore). Build from the repository root:
#
#   docker build --build-arg VERSION="$(git describe --always --dirty)" -t guestbook:dev .
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp -v guestbook-data:/data guestbook:dev
#
# Both base images are pinned by version tag and by the digest of their
# multi-platform index on Docker Hub, so a rebuild cannot pick up another
# image under the same tag. To update one, change the tag and take the new
# digest from `docker buildx imagetools inspect IMAGE:TAG`.

FROM golang:1.26.8-alpine3.24@sha256:8ac98ca534ac3f51e1f420a1dd2c15e74c75cfa0f23f3ad27eb5d7236c349a0c AS build

WORKDIR /src

# The app is its own module: build it alone, without the repository's
# go.work. CGO_ENABLED=0 gives a static binary (the SQLite driver,
# modernc.org/sqlite, is pure Go), and GOTOOLCHAIN=local keeps the Go of
# this image instead of downloading another.
ENV CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly

# Modules first, so that this layer stays cached while only code changes.
COPY app/go.mod app/go.sum ./
RUN go mod download && go mod verify

COPY app/ ./
ARG VERSION=dev
RUN go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/guestbook ./cmd/guestbook \
    && mkdir -p /out/data

FROM alpine:3.24.2@sha256:294b683cb724975bec92580e1e685676bd4b50bda910ddb8c51d4cabeaec77e6

ARG VERSION=dev
LABEL org.opencontainers.image.title="guestbook" \
      org.opencontainers.image.description="A small stateful Go web app with secure defaults" \
      org.opencontainers.image.version="${VERSION}"

# /data holds the SQLite database and /tmp SQLite's temporary files; they
# are the only places the app writes, so the root file system can be
# mounted read-only.
COPY --from=build --chown=1000:1000 /out/data /data
COPY --from=build /out/guestbook /usr/local/bin/guestbook

ENV GUESTBOOK_ADDR=:8080 \
    GUESTBOOK_DB=/data/guestbook.db \
    TMPDIR=/tmp

USER 1000:1000
EXPOSE 8080
VOLUME ["/data"]

# The binary checks itself: "guestbook healthcheck" requests /healthz on
# GUESTBOOK_ADDR, so the image needs neither curl nor wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/guestbook", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/guestbook"]

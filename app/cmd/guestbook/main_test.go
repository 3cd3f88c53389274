package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(vars map[string]string) func(string) string {
	return func(key string) string { return vars[key] }
}

func TestParseConfigPrecedence(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want config
	}{
		{
			name: "defaults",
			want: config{addr: "127.0.0.1:8080", dbPath: "./data/guestbook.db", instance: "x",
				heartbeat: 10 * time.Second, shutdownTimeout: 10 * time.Second, rateLimit: 10, rateBurst: 5},
		},
		{
			name: "environment",
			env: map[string]string{"GUESTBOOK_ADDR": ":9000", "GUESTBOOK_DB": "/data/g.db", "GUESTBOOK_HEARTBEAT": "2s",
				"GUESTBOOK_RATE_LIMIT": "30", "GUESTBOOK_LOG_LEVEL": "DEBUG", "GUESTBOOK_SECRET_FILE": "/s/key"},
			want: config{addr: ":9000", dbPath: "/data/g.db", instance: "x", secretFile: "/s/key",
				heartbeat: 2 * time.Second, shutdownTimeout: 10 * time.Second, rateLimit: 30, rateBurst: 5, logLevel: slog.LevelDebug},
		},
		{
			name: "flags win over environment",
			args: []string{"-addr", ":7000", "-instance", "web-1", "-rate-burst", "9"},
			env:  map[string]string{"GUESTBOOK_ADDR": ":9000", "GUESTBOOK_INSTANCE": "env-id", "GUESTBOOK_RATE_BURST": "2"},
			want: config{addr: ":7000", dbPath: "./data/guestbook.db", instance: "web-1",
				heartbeat: 10 * time.Second, shutdownTimeout: 10 * time.Second, rateLimit: 10, rateBurst: 9},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// -instance comes first so that the default, the hostname, does not
			// enter the comparison; a later -instance still wins.
			args := append([]string{"-instance", "x"}, tt.args...)
			got, err := parseConfig(args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(config{})); diff != "" {
				t.Errorf("parseConfig(%q) (-want +got):\n%s", args, diff)
			}
		})
	}
}

func TestParseConfigRejects(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"bad env duration", nil, map[string]string{"GUESTBOOK_HEARTBEAT": "soon"}, `invalid GUESTBOOK_HEARTBEAT="soon"`},
		{"bad instance", []string{"-instance", "a b"}, nil, `invalid instance id "a b"`},
		{"instance with markup", []string{"-instance", "<b>"}, nil, `invalid instance id "<b>"`},
		{"cert without key", []string{"-tls-cert", "c.pem"}, nil, "-tls-cert and -tls-key must be given together"},
		{"tiny heartbeat", []string{"-heartbeat", "1ms"}, nil, "invalid -heartbeat 1ms"},
		{"zero rate", []string{"-rate-limit", "0"}, nil, "invalid -rate-limit 0"},
		{"zero burst", nil, map[string]string{"GUESTBOOK_RATE_BURST": "0"}, "invalid -rate-burst 0"},
		{"extra argument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"unknown flag", []string{"-port", "1"}, nil, "flag provided but not defined: -port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseConfig(%q) error = %v, want it to contain %q", tt.args, err, tt.wantErr)
			}
		})
	}
}

func TestRunUsageExitCodes(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, env(nil), &stderr); code != exitOK {
		t.Errorf("run -h = %d, want %d", code, exitOK)
	}
	if !strings.Contains(stderr.String(), "GUESTBOOK_ADDR") {
		t.Errorf("usage does not name the environment variables:\n%s", stderr.String())
	}
	if code := run(context.Background(), []string{"-addr"}, env(nil), io.Discard); code != exitUsage {
		t.Errorf("run -addr (no value) = %d, want %d", code, exitUsage)
	}
}

func TestLoadSessionKey(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	logger := slog.New(slog.DiscardHandler)

	key, err := loadSessionKey(write("good", "  "+strings.Repeat("k", 40)+"\n"), logger)
	if err != nil || string(key) != strings.Repeat("k", 40) {
		t.Errorf("loadSessionKey(good) = %q, %v; want the 40 bytes without white space", key, err)
	}
	if _, err := loadSessionKey(write("short", strings.Repeat("k", 31)+"\n\n"), logger); err == nil {
		t.Error("loadSessionKey accepted 31 bytes")
	}
	if _, err := loadSessionKey(write("huge", strings.Repeat("k", maxSecretFileBytes+1)), logger); err == nil {
		t.Error("loadSessionKey accepted a file over the size limit")
	}
	if _, err := loadSessionKey(filepath.Join(dir, "missing"), logger); err == nil {
		t.Error("loadSessionKey accepted a missing file")
	}

	var logs bytes.Buffer
	key, err = loadSessionKey("", slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil || len(key) != 32 {
		t.Errorf("generated key = %d bytes, %v; want 32", len(key), err)
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) {
		t.Errorf("generating a key logged no warning: %s", logs.String())
	}
}

func TestHealthClientURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{":8080", "http://127.0.0.1:8080/healthz"},
		{"0.0.0.0:8080", "http://127.0.0.1:8080/healthz"},
		{"[::]:8080", "http://127.0.0.1:8080/healthz"},
		{"127.0.0.1:9000", "http://127.0.0.1:9000/healthz"},
		{"[::1]:9000", "http://[::1]:9000/healthz"},
	}
	for _, tt := range tests {
		_, got, err := healthClient(tt.addr, "", time.Second)
		if err != nil || got != tt.want {
			t.Errorf("healthClient(%q) URL = %q, %v; want %q", tt.addr, got, err, tt.want)
		}
	}
	if _, _, err := healthClient("8080", "", time.Second); err == nil {
		t.Error(`healthClient("8080") succeeded, want an error for a missing port separator`)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	if code := run(context.Background(), []string{"healthcheck"}, env(map[string]string{"GUESTBOOK_ADDR": addr}), io.Discard); code != exitOK {
		t.Errorf("healthcheck of a healthy server = %d, want %d", code, exitOK)
	}
	status = http.StatusServiceUnavailable
	if code := run(context.Background(), []string{"healthcheck", "-addr", addr}, env(nil), io.Discard); code != exitError {
		t.Errorf("healthcheck of an unhealthy server = %d, want %d", code, exitError)
	}
	srv.Close()
	if code := run(context.Background(), []string{"healthcheck", "-addr", addr}, env(nil), io.Discard); code != exitError {
		t.Errorf("healthcheck of a stopped server = %d, want %d", code, exitError)
	}
}

func TestHealthcheckVerifiesTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")

	// The test server's certificate names 127.0.0.1 and example.com.
	right := filepath.Join(t.TempDir(), "right.pem")
	writePEM(t, right, srv.Certificate().Raw)
	if code := run(context.Background(), []string{"healthcheck", "-addr", addr, "-tls-cert", right}, env(nil), io.Discard); code != exitOK {
		t.Errorf("healthcheck with the server's certificate = %d, want %d", code, exitOK)
	}

	wrong := filepath.Join(t.TempDir(), "wrong.pem")
	writePEM(t, wrong, selfSigned(t))
	if code := run(context.Background(), []string{"healthcheck", "-addr", addr, "-tls-cert", wrong}, env(nil), io.Discard); code != exitError {
		t.Errorf("healthcheck with another certificate = %d, want %d", code, exitError)
	}
}

func writePEM(t *testing.T, path string, der []byte) {
	t.Helper()
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func selfSigned(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "other"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

package securitytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writeCertificate writes a self-signed certificate for 127.0.0.1 and its
// key, and returns their paths and the certificate.
func writeCertificate(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "guestbook test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}

	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert
}

var maxAgePattern = regexp.MustCompile(`(?:^|;)\s*max-age=([0-9]+)`)

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, cert := writeCertificate(t, dir)
	s := startServer(t, options{args: []string{"-tls-cert", certFile, "-tls-key", keyFile}})

	pool := x509.NewCertPool()
	pool.AddCert(cert)
	tlsClient := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	resp, err := tlsClient.Get("https://" + s.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()

	hsts := resp.Header.Get("Strict-Transport-Security")
	m := maxAgePattern.FindStringSubmatch(hsts)
	if m == nil {
		t.Errorf("Strict-Transport-Security = %q, want a max-age", hsts)
	} else if age, _ := strconv.Atoi(m[1]); age < 365*24*60*60 {
		t.Errorf("HSTS max-age = %d, want at least one year", age)
	}

	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("GET / over TLS set %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	if c.Name != "__Host-guestbook_session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode ||
		c.Path != "/" || c.Domain != "" {
		t.Errorf("session cookie over TLS = %+v, want __Host-guestbook_session, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain", c)
	}

	// TLS 1.1 and older are refused.
	old := &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}
	if conn, err := tls.Dial("tcp", s.addr, old); err == nil {
		_ = conn.Close()
		t.Error("the server accepted TLS 1.1")
	}

	hc := exec.Command(binary, "healthcheck", "-addr", s.addr, "-tls-cert", certFile)
	hc.Env = cleanEnv()
	if out, err := hc.CombinedOutput(); err != nil {
		t.Errorf("guestbook healthcheck over TLS: %v\n%s", err, out)
	}
}

func TestHealthcheckSubcommand(t *testing.T) {
	s := startServer(t, options{})
	hc := exec.Command(binary, "healthcheck")
	hc.Env = append(cleanEnv(), "GUESTBOOK_ADDR="+s.addr)
	if out, err := hc.CombinedOutput(); err != nil {
		t.Errorf("guestbook healthcheck of a running server: %v\n%s", err, out)
	}

	s.stop(t)
	hc = exec.Command(binary, "healthcheck", "-addr", s.addr, "-timeout", "2s")
	hc.Env = cleanEnv()
	if err := hc.Run(); err == nil {
		t.Error("guestbook healthcheck of a stopped server succeeded")
	}
}

// TestLogs checks the request log: one JSON record per request with the
// request id, method, path, status and duration, and never a message body
// or a cookie.
func TestLogs(t *testing.T) {
	s := startServer(t, options{})
	const secretMessage = "private-message-3f9a"
	s.postEntry(t, "Ann", secretMessage)
	s.postEntry(t, "", secretMessage+"-rejected")
	page := s.get(t, "/")
	cookie := page.Cookies()[0]
	s.get(t, "/", cookie)
	s.get(t, "/?page=2&secret=query-3f9a")
	s.stop(t)

	var requests int
	for _, rec := range s.logs.records(t) {
		if rec["msg"] != "request" {
			continue
		}
		requests++
		for _, key := range []string{"request_id", "method", "path", "status", "duration_ms"} {
			if _, ok := rec[key]; !ok {
				t.Errorf("request record lacks %q: %v", key, rec)
			}
		}
	}
	if requests != 5 {
		t.Errorf("logged %d requests, want 5", requests)
	}

	logs := s.logs.String()
	for _, secret := range []string{secretMessage, cookie.Value, "query-3f9a"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	for _, msg := range []string{`"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, msg) {
			t.Errorf("logs lack %s after SIGTERM", msg)
		}
	}
}

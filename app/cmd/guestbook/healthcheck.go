package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"time"
)

// runHealthcheck implements "guestbook healthcheck": it requests /healthz
// of the server at -addr and exits 0 on 200 and 1 otherwise. A container
// HEALTHCHECK runs it, so the image needs no curl or wget.
func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("guestbook healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` the server listens on; an empty or unspecified host means 127.0.0.1 (env GUESTBOOK_ADDR)")
	certFile := fs.String("tls-cert", "", "`path` of the server's PEM certificate chain; if set, connect with HTTPS and trust that chain (env GUESTBOOK_TLS_CERT)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return exitOK
	} else if err != nil {
		return exitUsage
	}
	if err := applyEnv(fs, getenv); err != nil {
		fmt.Fprintln(stderr, "guestbook healthcheck:", err)
		return exitUsage
	}

	client, url, err := healthClient(*addr, *certFile, *timeout)
	if err != nil {
		fmt.Fprintln(stderr, "guestbook healthcheck:", err)
		return exitUsage
	}
	if err := checkHealth(ctx, client, url); err != nil {
		fmt.Fprintln(stderr, "guestbook healthcheck:", err)
		return exitError
	}
	return exitOK
}

// healthClient returns a client and the /healthz URL for a server that
// listens on addr, over HTTPS if certFile is set.
func healthClient(addr, certFile string, timeout time.Duration) (*http.Client, string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", fmt.Errorf("invalid address %q: use host:port or :port", addr)
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}

	client := &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	if certFile == "" {
		return client, "http://" + net.JoinHostPort(host, port) + "/healthz", nil
	}
	tlsConfig, err := trustCertificate(certFile)
	if err != nil {
		return nil, "", err
	}
	client.Transport = &http.Transport{TLSClientConfig: tlsConfig}
	return client, "https://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// trustCertificate returns a TLS configuration that trusts the certificates
// in certFile and expects the first of them, the server's own, to be
// presented under its first DNS name or IP address. The connection goes to
// loopback, but the certificate is still verified.
func trustCertificate(certFile string) (*tls.Config, error) {
	data, err := os.ReadFile(filepath.Clean(certFile))
	if err != nil {
		return nil, fmt.Errorf("reading TLS certificate: %w", err)
	}
	pool := x509.NewCertPool()
	var leaf *x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing TLS certificate %s: %w", certFile, err)
		}
		pool.AddCert(cert)
		if leaf == nil {
			leaf = cert
		}
	}

	var serverName string
	switch {
	case leaf == nil:
		return nil, fmt.Errorf("no PEM certificate in %s", certFile)
	case len(leaf.DNSNames) > 0:
		serverName = leaf.DNSNames[0]
	case len(leaf.IPAddresses) > 0:
		serverName = leaf.IPAddresses[0].String()
	default:
		return nil, fmt.Errorf("certificate in %s names no DNS name or IP address", certFile)
	}
	return &tls.Config{RootCAs: pool, ServerName: serverName, MinVersion: tls.VersionTLS12}, nil
}

func checkHealth(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d, want 200", url, resp.StatusCode)
	}
	return nil
}

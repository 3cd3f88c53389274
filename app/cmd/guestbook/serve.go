package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/guestbook-secscan/guestbook/app"
	guestbookhttp "github.com/guestbook-secscan/guestbook/app/http"
	"github.com/guestbook-secscan/guestbook/app/sqlite"
)

// serve opens the database, registers this instance, serves HTTP until ctx
// is done and then shuts down within cfg.shutdownTimeout.
func serve(ctx context.Context, cfg config, logger *slog.Logger) error {
	sessionKey, err := loadSessionKey(cfg.secretFile, logger)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, cfg.dbPath)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()

	inst := &guestbook.Instance{ID: cfg.instance, BootID: rand.Text(), Version: buildVersion(), StartedAt: time.Now()}
	instances := sqlite.NewInstanceService(db)
	liveWindow := 3 * cfg.heartbeat
	if err := register(ctx, instances, inst, liveWindow, logger); err != nil {
		return err
	}
	defer deregister(instances, inst, logger)

	handler, err := guestbookhttp.NewServer(guestbookhttp.Config{
		Instance:   inst,
		Entries:    sqlite.NewEntryService(db),
		Instances:  instances,
		DB:         db,
		LiveWindow: liveWindow,
		SessionKey: sessionKey,
		TLS:        cfg.tlsCert != "",
		RateLimit:  cfg.rateLimit,
		RateBurst:  cfg.rateBurst,
		Logger:     logger,
	})
	if err != nil {
		return err
	}
	srv := guestbookhttp.NewHTTPServer(cfg.addr, handler, logger)
	if err := loadCertificate(srv, cfg); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.addr, err)
	}
	logger.Info("listening", "addr", ln.Addr().String(), "tls", srv.TLSConfig.Certificates != nil,
		"instance", inst.ID, "version", inst.Version, "db", cfg.dbPath)

	heartbeatCtx, stopHeartbeat := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { heartbeat(heartbeatCtx, cfg.heartbeat, instances, inst, handler, logger) })
	defer func() {
		stopHeartbeat()
		wg.Wait()
	}()

	return serveUntilDone(ctx, srv, ln, cfg.shutdownTimeout, logger)
}

// serveUntilDone serves on ln until ctx is done, then stops accepting
// connections and waits up to timeout for requests in flight.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration, logger *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() {
		if srv.TLSConfig.Certificates != nil {
			serveErr <- srv.ServeTLS(ln, "", "")
		} else {
			serveErr <- srv.Serve(ln)
		}
	}()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", timeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %w", err)
	}
	logger.Info("stopped")
	return nil
}

func register(ctx context.Context, instances *sqlite.InstanceService, inst *guestbook.Instance, liveWindow time.Duration, logger *slog.Logger) error {
	clash, err := instances.RegisterInstance(ctx, inst, time.Now().Add(-liveWindow))
	if err != nil {
		return err
	}
	if clash != nil {
		logger.Warn("another live process has registered the same instance id; give each process its own -instance",
			"instance", inst.ID, "other_started_at", clash.StartedAt)
	}
	return nil
}

// deregister removes this instance's record, so that the banner on the
// other instances goes away at once rather than when the record ages out.
func deregister(instances *sqlite.InstanceService, inst *guestbook.Instance, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := instances.DeregisterInstance(ctx, inst); err != nil {
		logger.Error("deregistering instance", "instance", inst.ID, "error", err)
	}
}

// heartbeat refreshes this instance's record and the list of live instances
// every interval until ctx is done. It logs the first failure of a run of
// failures, every tenth after it, and the recovery.
func heartbeat(ctx context.Context, interval time.Duration, instances guestbook.InstanceService,
	inst *guestbook.Instance, srv *guestbookhttp.Server, logger *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}

		beatCtx, cancel := context.WithTimeout(ctx, interval)
		err := instances.HeartbeatInstance(beatCtx, inst)
		if err == nil {
			err = srv.RefreshInstances(beatCtx)
		}
		cancel()

		switch {
		case err != nil && ctx.Err() == nil:
			if failures%10 == 0 {
				logger.Error("heartbeat failed", "instance", inst.ID, "failures", failures+1, "error", err)
			}
			failures++
		case err == nil && failures > 0:
			logger.Info("heartbeat recovered", "instance", inst.ID, "failures", failures)
			failures = 0
		}
	}
}

// maxSecretFileBytes bounds what loadSessionKey reads.
const maxSecretFileBytes = 4096

// loadSessionKey reads the session signing key from path, without the
// surrounding white space. With no path, it generates a random key and
// warns: sessions then end with the process, and replicas reject each
// other's cookies.
func loadSessionKey(path string, logger *slog.Logger) ([]byte, error) {
	if path == "" {
		logger.Warn("no -secret-file given, so the session key was generated in memory: " +
			"sessions end when this process stops, and other instances reject its cookies")
		key := make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read never returns an error since Go 1.24
		return key, nil
	}

	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		return nil, fmt.Errorf("reading session key: %w", err)
	}
	defer func() { _ = f.Close() }()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading session key %s: %w", path, err)
	}
	key := bytes.TrimSpace(data)
	switch {
	case len(data) > maxSecretFileBytes:
		return nil, fmt.Errorf("session key file %s is larger than %d bytes: put only the key in it", path, maxSecretFileBytes)
	case len(key) < 32:
		return nil, fmt.Errorf("session key file %s has %d bytes: use at least 32, for example from `head -c 32 /dev/urandom | base64`", path, len(key))
	}
	return key, nil
}

// loadCertificate loads the TLS certificate and key into srv, if cfg names
// them, so that a bad file fails at start rather than at the first
// connection.
func loadCertificate(srv *http.Server, cfg config) error {
	if cfg.tlsCert == "" {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
	if err != nil {
		return fmt.Errorf("loading TLS certificate: %w", err)
	}
	srv.TLSConfig.Certificates = []tls.Certificate{cert}
	return nil
}

package http

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/guestbook-secscan/guestbook/app"
)

// Limits and timeouts of the server.
const (
	// MaxBodyBytes is the maximum size of a request body. Larger bodies get
	// 413. The longest valid entry, 550 runes of 4 bytes each sent as %XX
	// escapes, is about 6.5 KiB of form data.
	MaxBodyBytes = 16 << 10

	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 16 << 10
)

// Pinger checks that the database can be reached.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Config is the configuration of a Server. Every field is required except
// Logger, Now, TLS, RateLimit and RateBurst.
type Config struct {
	Instance  *guestbook.Instance // this process
	Entries   guestbook.EntryService
	Instances guestbook.InstanceService
	DB        Pinger

	// LiveWindow is the maximum age of an instance's last heartbeat for the
	// instance to count as live.
	LiveWindow time.Duration

	// SessionKey signs session cookies. It must be at least 32 bytes.
	SessionKey []byte

	// TLS selects the settings for a server reached over HTTPS: an HSTS
	// header and Secure cookies with the __Host- prefix.
	TLS bool

	// RateLimit is how many entries one client may post per minute, with
	// bursts of up to RateBurst. Zero values select 10 a minute and a burst
	// of 5.
	RateLimit float64
	RateBurst int

	Logger *slog.Logger     // nil discards logs
	Now    func() time.Time // nil selects time.Now
}

// Server serves the guestbook. It is an http.Handler.
type Server struct {
	cfg      Config
	logger   *slog.Logger
	now      func() time.Time
	pages    pages
	static   map[string]staticFile
	sessions *sessionStore
	limiter  *rateLimiter
	csrf     *http.CrossOriginProtection
	handler  http.Handler

	pageViews      atomic.Int64
	entriesWritten atomic.Int64

	// live is the list of live instances from the last query, so that pages
	// that do not query the database (error pages) can show the banner too.
	live atomic.Pointer[[]*guestbook.Instance]
}

var _ http.Handler = (*Server)(nil)

// NewServer checks cfg and returns a Server.
func NewServer(cfg Config) (*Server, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, logger: cfg.Logger, now: cfg.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cfg.RateLimit == 0 {
		s.cfg.RateLimit = 10
	}
	if s.cfg.RateBurst == 0 {
		s.cfg.RateBurst = 5
	}

	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	s.sessions = newSessionStore(cfg.SessionKey, cfg.TLS, s.now)
	s.limiter = newRateLimiter(s.cfg.RateLimit/60, s.cfg.RateBurst, s.now)
	s.csrf = http.NewCrossOriginProtection()
	s.handler = s.middleware(s.routes())
	return s, nil
}

func (cfg *Config) check() error {
	switch {
	case cfg.Instance == nil || cfg.Instance.ID == "":
		return errors.New("missing instance: set Config.Instance with an ID")
	case cfg.Entries == nil || cfg.Instances == nil || cfg.DB == nil:
		return errors.New("missing storage: set Config.Entries, Config.Instances and Config.DB")
	case cfg.LiveWindow <= 0:
		return fmt.Errorf("invalid live window %v: set a positive duration", cfg.LiveWindow)
	case len(cfg.SessionKey) < 32:
		return fmt.Errorf("session key has %d bytes: use at least 32 random bytes", len(cfg.SessionKey))
	case cfg.RateLimit < 0 || cfg.RateBurst < 0:
		return fmt.Errorf("invalid rate limit %v a minute with burst %d: use values of 0 or more", cfg.RateLimit, cfg.RateBurst)
	}
	return nil
}

// ServeHTTP serves one request through the middleware and the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// routes returns the handler of every path. Each route accepts only its
// methods and responds to any other, TRACE and unknown methods included,
// with 405 and an Allow header.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/{$}", s.allow(http.MethodGet, s.handleIndex))
	mux.Handle("/entries", s.allow(http.MethodPost, s.rejectCrossOrigin(s.limitRate(s.handleCreateEntry))))
	mux.Handle("/status", s.allow(http.MethodGet, s.handleStatus))
	mux.Handle("/healthz", s.allow(http.MethodGet, s.handleHealthz))
	mux.Handle("/readyz", s.allow(http.MethodGet, s.handleReadyz))
	mux.Handle("/static/", s.allow(http.MethodGet, s.handleStatic))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusNotFound)
	})
	return mux
}

// allow returns a handler that passes requests with the given method to h
// (GET also admits HEAD) and responds to any other method with 405.
func (s *Server) allow(method string, h http.HandlerFunc) http.Handler {
	allowed := method
	if method == http.MethodGet {
		allowed = "GET, HEAD"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
			h(w, r)
			return
		}
		w.Header().Set("Allow", allowed)
		s.renderError(w, r, http.StatusMethodNotAllowed)
	})
}

// NewHTTPServer returns an http.Server for h with read-header, read, write
// and idle timeouts, a limit on header size and TLS 1.2 or later.
func NewHTTPServer(addr string, h http.Handler, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
		// Without this, net/http responds to "OPTIONS *" itself, bypassing
		// the handler and so the security headers.
		DisableGeneralOptionsHandler: true,
		ErrorLog:                     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

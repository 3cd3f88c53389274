package http

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
	"unicode/utf8"
)

// contentSecurityPolicy allows nothing but the app's own stylesheet, forms
// posted to the app itself, and no framing. The pages have no script and no
// inline style, so no 'unsafe-inline' is needed.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// permissionsPolicy turns off browser features that the guestbook never uses.
const permissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), payment=(), usb=()"

// hstsMaxAge is two years, in seconds.
const hstsMaxAge = 2 * 365 * 24 * 60 * 60

// setSecurityHeaders sets the headers that every response carries. Handlers
// may override Cache-Control (the static files do); nothing overrides the
// others.
//
// NOTE: responses that net/http writes before any handler runs, such as 400
// for a malformed request line or 431 for oversized headers, carry none of
// these headers. They are plain text without user data.
func setSecurityHeaders(h http.Header, tls bool) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", permissionsPolicy)
	// "0" turns off the XSS filter of older browsers. Its "1; mode=block"
	// setting could itself be abused: a page could trigger the filter on
	// purpose to block chosen scripts of the target page, or detect from the
	// blocking whether a guessed string appears in a cross-origin page. The
	// Content-Security-Policy above is the modern defence.
	h.Set("X-XSS-Protection", "0")
	h.Set("Cache-Control", "no-store")
	if tls {
		h.Set("Strict-Transport-Security", "max-age="+strconv.Itoa(hstsMaxAge)+"; includeSubDomains")
	}
}

// middleware wraps the routes with, from the outside in: a request id, the
// security headers, panic recovery and the request log; then the body limit.
func (s *Server) middleware(routes http.Handler) http.Handler {
	return s.observe(s.limitBody(routes))
}

type requestIDKey struct{}

// requestID returns the id that observe gave the request, or "".
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// log returns the logger for r, with its request id.
func (s *Server) log(r *http.Request) *slog.Logger {
	return s.logger.With("request_id", requestID(r.Context()))
}

// observe gives each request an id, sets the security headers, recovers a
// panic into a 500 page and logs the request after the response. The log
// record has the request id, method, path, status, size and duration. It
// never has the query, the body or any header such as Cookie.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := rand.Text()
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		w.Header().Set("X-Request-Id", id)
		setSecurityHeaders(w.Header(), s.cfg.TLS)
		rec := &responseRecorder{ResponseWriter: w}

		defer func() {
			if v := recover(); v != nil {
				s.recovered(rec, r, v)
			}
			s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", id),
				slog.String("method", truncate(r.Method, 32)),
				slog.String("path", truncate(r.URL.Path, 256)),
				slog.Int("status", rec.statusCode()),
				slog.Int64("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}

// recovered logs a panic with its stack and, unless the response has
// started, replaces whatever the handler had set with a generic 500 page.
// http.ErrAbortHandler is re-raised, because net/http handles it by
// dropping the connection silently.
func (s *Server) recovered(rec *responseRecorder, r *http.Request, v any) {
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log(r).Error("panic while serving request",
		"method", truncate(r.Method, 32), "path", truncate(r.URL.Path, 256),
		"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if rec.status != 0 {
		return
	}
	h := rec.Header()
	id := h.Get("X-Request-Id")
	clear(h)
	h.Set("X-Request-Id", id)
	setSecurityHeaders(h, s.cfg.TLS)
	s.renderError(rec, r, http.StatusInternalServerError)
}

// limitBody responds with 413 to a request that declares a body larger than
// MaxBodyBytes and caps the body of any other, so that reading past the
// limit fails with *http.MaxBytesError.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			s.renderError(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// rejectCrossOrigin responds with 403 to a browser request for a state-changing
// method that comes from another origin, judged by the Sec-Fetch-Site and
// Origin headers (see http.CrossOriginProtection). Requests without either
// header do not come from a browser form and pass.
func (s *Server) rejectCrossOrigin(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.csrf.Check(r); err != nil {
			s.log(r).Warn("cross-origin request rejected", "path", truncate(r.URL.Path, 256))
			s.renderError(w, r, http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

// limitRate responds with 429 and Retry-After when the client has used up its
// allowance of posted entries.
func (s *Server) limitRate(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.limiter.allow(clientKey(r))
		if !ok {
			seconds := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(seconds))
			s.renderError(w, r, http.StatusTooManyRequests)
			return
		}
		next(w, r)
	}
}

// responseRecorder records the status and size of a response.
type responseRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *responseRecorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *responseRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rec *responseRecorder) Unwrap() http.ResponseWriter {
	return rec.ResponseWriter
}

func (rec *responseRecorder) statusCode() int {
	if rec.status == 0 {
		return http.StatusOK // the handler wrote nothing; net/http sends 200
	}
	return rec.status
}

// truncate shortens s to at most n bytes without splitting a rune, so that a
// huge path cannot bloat the log.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

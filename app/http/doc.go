// Package http serves the guestbook: the HTML pages, the JSON status, the
// health endpoints and the embedded stylesheet.
//
// Every response, error pages included, passes through one middleware. It
// gives the request an id, sent back as X-Request-Id. It sets the security
// headers: a strict Content-Security-Policy, nosniff, frame denial, the
// referrer, opener, resource and permissions policies, Cache-Control:
// no-store and, over TLS, HSTS. It recovers panics into a generic 500 page
// and logs the request with log/slog. Request bodies are capped at
// MaxBodyBytes.
// POST /entries also rejects cross-origin browser requests
// (http.CrossOriginProtection) and is rate-limited per client address.
//
// Pages are rendered with html/template from embedded files into a buffer,
// so a failure never sends half a page. Error pages show only a fixed
// sentence per status code and the request id, never an error value.
//
// The counters and sessions live in the memory of one Server, which is what
// the guestbook sets out to show: several replicas each count and remember
// on their own. Session cookies are HMAC-signed, HttpOnly and
// SameSite=Strict, and over TLS Secure with the __Host- prefix.
//
// NewHTTPServer returns the http.Server with read-header, read, write and
// idle timeouts that the command runs.
package http

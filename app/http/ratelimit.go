package http

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// maxClients bounds the memory of the rate limiter. When it tracks this
// many clients, it removes those whose allowance is full again before
// adding another.
const maxClients = 10000

// rateLimiter is a token bucket per client: each client may take up to burst
// tokens at once, refilled at rate tokens a second.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perSecond float64, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{
		rate:    perSecond,
		burst:   float64(burst),
		now:     now,
		buckets: make(map[string]*bucket),
	}
}

// allow takes a token for key. If none is left, it returns false and how
// long the client must wait for the next one.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxClients {
			l.forgetIdle(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)

	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *rateLimiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
}

// forgetIdle removes the clients whose bucket is full again; forgetting them
// loses nothing. If every client is still limited, it removes all of them,
// which lets a flood of distinct addresses through once but keeps memory
// bounded.
func (l *rateLimiter) forgetIdle(now time.Time) {
	for key, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.buckets, key)
		}
	}
	if len(l.buckets) >= maxClients {
		clear(l.buckets)
	}
}

// clientKey returns the address that a request is limited by: the peer's IP
// address, or its /64 network for IPv6, since one host usually holds a whole
// /64. X-Forwarded-For is ignored because any client can set it.
//
// NOTE: behind a proxy or a load balancer that does not keep the client's
// address (a Kubernetes Service with externalTrafficPolicy: Cluster
// translates it), every client shares one key and one allowance.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		prefix, _ := addr.Prefix(64)
		return prefix.String()
	}
	return addr.String()
}

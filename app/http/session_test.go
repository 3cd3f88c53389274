package http

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// visitWith sends a request with the cookie of the previous response, if
// any, and returns the visit and the response's cookie.
func visitWith(st *sessionStore, cookie *http.Cookie) (sessionVisit, *http.Cookie) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	v := st.visit(rec, r)
	cookies := rec.Result().Cookies()
	if len(cookies) == 0 {
		return v, cookie
	}
	return v, cookies[0]
}

func TestSessionVisitsCount(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	st := newSessionStore(bytes.Repeat([]byte("a"), 32), false, clock.now)

	v, cookie := visitWith(st, nil)
	if v.Visits != 1 || v.Restarted != "" || cookie == nil {
		t.Fatalf("first visit = %+v, cookie %v; want visit 1 and a cookie", v, cookie)
	}
	v, _ = visitWith(st, cookie)
	v, _ = visitWith(st, cookie)
	if v.Visits != 3 || v.Restarted != "" {
		t.Errorf("third visit = %+v, want visit 3", v)
	}
}

func TestSessionFromAnotherReplica(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	sharedKey := bytes.Repeat([]byte("a"), 32)
	first := newSessionStore(sharedKey, false, clock.now)
	sameKey := newSessionStore(sharedKey, false, clock.now)
	otherKey := newSessionStore(bytes.Repeat([]byte("b"), 32), false, clock.now)

	_, cookie := visitWith(first, nil)

	v, _ := visitWith(sameKey, cookie)
	if v.Visits != 1 || v.Restarted != restartedUnknown {
		t.Errorf("replica with the same key: visit %+v, want a new session restarted as unknown", v)
	}
	v, _ = visitWith(otherKey, cookie)
	if v.Visits != 1 || v.Restarted != restartedForeignKey {
		t.Errorf("replica with another key: visit %+v, want a new session restarted for the key", v)
	}
}

func TestSessionRejectsForgedCookies(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	st := newSessionStore(bytes.Repeat([]byte("a"), 32), false, clock.now)
	_, cookie := visitWith(st, nil)

	for _, value := range []string{"", "nodot", ".", "ID.", cookie.Value + "x", "X" + cookie.Value} {
		forged := &http.Cookie{Name: cookie.Name, Value: value}
		v, _ := visitWith(st, forged)
		if v.Visits != 1 {
			t.Errorf("cookie value %q: visit %+v, want a new session", value, v)
		}
	}
}

func TestSessionExpires(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	st := newSessionStore(bytes.Repeat([]byte("a"), 32), false, clock.now)
	_, cookie := visitWith(st, nil)

	clock.t = clock.t.Add(sessionTTL + time.Second)
	v, _ := visitWith(st, cookie)
	if v.Visits != 1 || v.Restarted != restartedUnknown {
		t.Errorf("visit after the TTL = %+v, want a new session", v)
	}
}

func TestSessionStoreIsBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	st := newSessionStore(bytes.Repeat([]byte("a"), 32), false, clock.now)
	_, oldest := visitWith(st, nil)
	for range maxSessions {
		clock.t = clock.t.Add(time.Millisecond)
		visitWith(st, nil)
	}
	if n := st.len(); n != maxSessions {
		t.Errorf("store holds %d sessions, want %d", n, maxSessions)
	}
	if v, _ := visitWith(st, oldest); v.Restarted != restartedUnknown {
		t.Errorf("oldest session after overflow: visit %+v, want it forgotten", v)
	}
}

func TestRateLimiter(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	l := newRateLimiter(1.0/60, 3, clock.now) // one a minute, bursts of three

	for i := range 3 {
		if ok, _ := l.allow("10.0.0.1"); !ok {
			t.Fatalf("request %d of the burst was limited", i+1)
		}
	}
	if ok, wait := l.allow("10.0.0.1"); ok || wait != time.Minute {
		t.Errorf("fourth request: allowed %v, wait %v; want limited for 1m", ok, wait)
	}
	if ok, _ := l.allow("10.0.0.2"); !ok {
		t.Error("another client was limited")
	}

	clock.t = clock.t.Add(30 * time.Second)
	if ok, wait := l.allow("10.0.0.1"); ok || wait != 30*time.Second {
		t.Errorf("after 30s: allowed %v, wait %v; want limited for 30s", ok, wait)
	}
	clock.t = clock.t.Add(30 * time.Second)
	if ok, _ := l.allow("10.0.0.1"); !ok {
		t.Error("after a minute the client is still limited")
	}
}

func TestRateLimiterIsBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	l := newRateLimiter(1, 1, clock.now)
	for i := range maxClients + 10 {
		l.allow(string(rune(i)))
	}
	if n := len(l.buckets); n > maxClients {
		t.Errorf("limiter tracks %d clients, want at most %d", n, maxClients)
	}
}

func TestClientKey(t *testing.T) {
	tests := []struct{ remoteAddr, want string }{
		{"192.0.2.7:1234", "192.0.2.7"},
		{"[::ffff:192.0.2.7]:1234", "192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:80", "fe80::/64"},
		{"not-an-address", "not-an-address"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tt.remoteAddr
		if got := clientKey(r); got != tt.want {
			t.Errorf("clientKey(%q) = %q, want %q", tt.remoteAddr, got, tt.want)
		}
	}
}

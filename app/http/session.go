package http

import (
	"container/list"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Sessions live in the memory of one instance. The cookie carries only a
// random id and its HMAC, so a replica that shares the signing key accepts
// the cookie but still has no state for it. Showing that is the point.
const (
	sessionTTL  = 24 * time.Hour
	maxSessions = 10000

	// The __Host- prefix makes browsers accept the cookie only if it is
	// Secure, has Path=/ and no Domain, so a sibling subdomain cannot set or
	// shadow it. It needs HTTPS, so plain HTTP uses the bare name.
	plainCookieName  = "guestbook_session"
	secureCookieName = "__Host-guestbook_session"

	// sessionMACContext separates these signatures from any other use of
	// the same key.
	sessionMACContext = "guestbook session v1\x00"
)

// Reasons shown when a visitor's cookie could not be honoured.
const (
	restartedForeignKey = "Your session cookie was signed with a key this instance does not have, " +
		"so it started a new session. Replicas that each generate their own key at start reject " +
		"each other's cookies; give them one key with -secret-file."
	restartedUnknown = "This instance has no record of your session: another replica created it, " +
		"or this instance restarted since. Session state lives in the memory of one process, " +
		"so it started a new session."
)

// sessionVisit is the state of the visitor's session that a page shows.
type sessionVisit struct {
	Visits    int
	Started   time.Time
	Restarted string // reason the visitor's cookie was not honoured, or ""
}

type session struct {
	id       string
	visits   int
	started  time.Time
	lastSeen time.Time
}

// sessionStore holds at most maxSessions sessions. It removes the least
// recently seen first, and any unseen for sessionTTL.
type sessionStore struct {
	key    []byte
	secure bool
	now    func() time.Time

	mu   sync.Mutex
	byID map[string]*list.Element // values are *session
	lru  *list.List               // most recently seen first
}

func newSessionStore(key []byte, secure bool, now func() time.Time) *sessionStore {
	return &sessionStore{
		key:    key,
		secure: secure,
		now:    now,
		byID:   make(map[string]*list.Element),
		lru:    list.New(),
	}
}

func (st *sessionStore) cookieName() string {
	if st.secure {
		return secureCookieName
	}
	return plainCookieName
}

// visit counts a visit in the session of r. If r carries no cookie that
// names a session this instance holds, it starts a new session and sets its
// cookie on w.
func (st *sessionStore) visit(w http.ResponseWriter, r *http.Request) sessionVisit {
	var reason string
	if c, err := r.Cookie(st.cookieName()); err == nil {
		id, ok := st.verify(c.Value)
		if !ok {
			reason = restartedForeignKey
		} else if v, ok := st.touch(id); ok {
			return v
		} else {
			reason = restartedUnknown
		}
	}

	id := rand.Text()
	v := st.create(id)
	v.Restarted = reason
	// Secure follows the server's TLS setting, because browsers reject a
	// Secure cookie sent over plain HTTP (current ones except on localhost).
	// NOTE: behind a proxy that terminates TLS, the server runs plain HTTP
	// and so sends the cookie without Secure and without the __Host- prefix.
	// #nosec G124 -- Secure, with the __Host- prefix, is set whenever the server serves TLS.
	http.SetCookie(w, &http.Cookie{
		Name:     st.cookieName(),
		Value:    id + "." + st.sign(id),
		Path:     "/",
		MaxAge:   int(sessionTTL.Seconds()),
		Secure:   st.secure,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
	return v
}

// len returns the number of sessions held.
func (st *sessionStore) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.lru.Len()
}

func (st *sessionStore) sign(id string) string {
	mac := hmac.New(sha256.New, st.key)
	mac.Write([]byte(sessionMACContext + id))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// verify returns the session id of a cookie value if its signature is
// valid.
func (st *sessionStore) verify(value string) (string, bool) {
	id, sig, ok := strings.Cut(value, ".")
	if !ok || id == "" || len(value) > 128 {
		return "", false
	}
	return id, hmac.Equal([]byte(sig), []byte(st.sign(id)))
}

// touch counts a visit in the session id, if it exists and has not expired.
func (st *sessionStore) touch(id string) (sessionVisit, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()

	now := st.now()
	el, ok := st.byID[id]
	if !ok {
		return sessionVisit{}, false
	}
	s := el.Value.(*session)
	if now.Sub(s.lastSeen) > sessionTTL {
		st.remove(el)
		return sessionVisit{}, false
	}
	s.visits++
	s.lastSeen = now
	st.lru.MoveToFront(el)
	return sessionVisit{Visits: s.visits, Started: s.started}, true
}

// create stores a new session with its first visit.
func (st *sessionStore) create(id string) sessionVisit {
	st.mu.Lock()
	defer st.mu.Unlock()

	now := st.now()
	for st.lru.Len() > 0 {
		oldest := st.lru.Back()
		if st.lru.Len() < maxSessions && now.Sub(oldest.Value.(*session).lastSeen) <= sessionTTL {
			break
		}
		st.remove(oldest)
	}
	s := &session{id: id, visits: 1, started: now, lastSeen: now}
	st.byID[id] = st.lru.PushFront(s)
	return sessionVisit{Visits: 1, Started: now}
}

func (st *sessionStore) remove(el *list.Element) {
	delete(st.byID, el.Value.(*session).id)
	st.lru.Remove(el)
}

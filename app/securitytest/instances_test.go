package securitytest

import (
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConcurrentWriters posts from 64 clients at once. Every post must be
// accepted (a "database is locked" would surface as 500) and every
// accepted entry stored exactly once.
func TestConcurrentWriters(t *testing.T) {
	s := startServer(t, options{})
	const writers, perWriter = 64, 8

	results := make(chan string, writers*perWriter)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				msg := fmt.Sprintf("writer %d entry %d", w, i)
				resp, err := client.PostForm(s.base+"/entries", map[string][]string{"name": {"w"}, "message": {msg}})
				if err != nil {
					results <- fmt.Sprintf("%s: %v", msg, err)
					continue
				}
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					results <- fmt.Sprintf("%s: status %d", msg, resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(results)
	for failure := range results {
		t.Error(failure)
	}

	counts := make(map[string]int)
	for _, msg := range queryStrings(t, openDB(t, s.dbPath), `SELECT message FROM entries`) {
		counts[msg]++
	}
	if len(counts) != writers*perWriter {
		t.Errorf("stored %d distinct entries, want %d", len(counts), writers*perWriter)
	}
	for msg, n := range counts {
		if n != 1 {
			t.Errorf("%q stored %d times, want once", msg, n)
		}
	}
	if strings.Contains(s.logs.String(), "database is locked") {
		t.Errorf("the server logged \"database is locked\"")
	}
}

const bannerTitle = "2 instances are serving this guestbook"

// TestTwoInstances runs two processes on one database file, as two
// replicas on one node would, and checks what the guestbook sets out to
// show: shared entries, but counters and sessions per replica, and a
// banner that explains this.
func TestTwoInstances(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "session-key")
	if err := os.WriteFile(secret, []byte(strings.Repeat("s", 48)), 0o600); err != nil {
		t.Fatal(err)
	}
	shared := func(id string) options {
		return options{dbPath: filepath.Join(dir, "guestbook.db"), instance: id, args: []string{"-secret-file", secret}}
	}
	a := startServer(t, shared("replica-a"))
	b := startServer(t, shared("replica-b"))

	first := a.get(t, "/")
	a.get(t, "/", first.Cookies()...)
	if resp := a.postEntry(t, "Ann", "written through replica-a"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("posting to replica-a: status %d", resp.StatusCode)
	}
	// The session cookie from replica-a is signed with the shared key, but
	// replica-b has no state for it.
	pageB := b.get(t, "/", first.Cookies()...)

	statusA, statusB := a.status(t), b.status(t)
	if statusA.Counters.PageViews != 2 || statusB.Counters.PageViews != 1 {
		t.Errorf("page views: replica-a %d, replica-b %d; want 2 and 1", statusA.Counters.PageViews, statusB.Counters.PageViews)
	}
	if statusA.Counters.EntriesWritten != 1 || statusB.Counters.EntriesWritten != 0 {
		t.Errorf("entries written: replica-a %d, replica-b %d; want 1 and 0",
			statusA.Counters.EntriesWritten, statusB.Counters.EntriesWritten)
	}
	if statusA.Entries != 1 || statusB.Entries != 1 {
		t.Errorf("entry count: replica-a %d, replica-b %d; want 1 on both", statusA.Entries, statusB.Entries)
	}
	for _, doc := range []statusDoc{statusA, statusB} {
		if diff := cmp.Diff([]string{"replica-a", "replica-b"}, doc.liveIDs()); diff != "" {
			t.Errorf("live instances seen by %s (-want +got):\n%s", doc.Instance, diff)
		}
	}

	textB := html.UnescapeString(pageB.body)
	for _, want := range []string{bannerTitle, "written through replica-a", "Served by instance <code>replica-b</code>",
		"This instance has no record of your session"} {
		if !strings.Contains(textB, want) {
			t.Errorf("replica-b's page lacks %q", want)
		}
	}
	if page := a.get(t, "/").body; !strings.Contains(page, bannerTitle) {
		t.Errorf("replica-a's page lacks the banner")
	}
	if page := a.get(t, "/no/such/page").body; !strings.Contains(page, bannerTitle) {
		t.Errorf("replica-a's 404 page lacks the banner")
	}

	// replica-b deregisters as it stops, so the banner goes at once.
	b.stop(t)
	if got := a.status(t).liveIDs(); !cmp.Equal(got, []string{"replica-a"}) {
		t.Errorf("live instances after replica-b stopped = %q, want [replica-a]", got)
	}
	if page := a.get(t, "/").body; strings.Contains(page, bannerTitle) {
		t.Errorf("replica-a still shows the banner after replica-b stopped")
	}
}

// TestRestartKeepsEntries stops a server and starts another on its file:
// unlike the original, which dropped its tables on every start, the
// entries survive.
func TestRestartKeepsEntries(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "guestbook.db")
	first := startServer(t, options{dbPath: dbPath})
	first.postEntry(t, "Ann", "survives a restart")
	first.stop(t)

	second := startServer(t, options{dbPath: dbPath})
	if !strings.Contains(second.get(t, "/").body, "survives a restart") {
		t.Error("the entry written before the restart is gone")
	}
}

func TestSessionsDifferWithoutSharedKey(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "guestbook.db")
	a := startServer(t, options{dbPath: dbPath, instance: "replica-a"})
	b := startServer(t, options{dbPath: dbPath, instance: "replica-b"})

	cookies := a.get(t, "/").Cookies()
	page := html.UnescapeString(b.get(t, "/", cookies...).body)
	if !strings.Contains(page, "signed with a key this instance does not have") {
		t.Errorf("replica-b's page does not explain that it rejected replica-a's cookie")
	}
}

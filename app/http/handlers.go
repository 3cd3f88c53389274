package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guestbook-secscan/guestbook/app"
)

// maxPage bounds ?page= so that the offset cannot overflow.
const maxPage = 1_000_000

// handleIndex serves GET /: the form, one page of entries and this
// instance's counters, and counts a visit in the visitor's session.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	page, ok := parsePage(r.URL.RawQuery)
	if !ok {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	listing, err := s.listing(r.Context(), page)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.RefreshInstances(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}

	s.pageViews.Add(1)
	visit := s.sessions.visit(w, r)
	s.render(w, r, http.StatusOK, "index", indexPage{
		layoutView: s.layout(""),
		Session:    &visit,
		Listing:    listing,
	})
}

// parsePage returns the page number of a query string: 1 without ?page=,
// false if the query is malformed or page is given twice or out of range.
func parsePage(rawQuery string) (int, bool) {
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return 0, false
	}
	values, ok := query["page"]
	if !ok {
		return 1, true
	}
	if len(values) != 1 {
		return 0, false
	}
	page, err := strconv.Atoi(values[0])
	if err != nil || page < 1 || page > maxPage {
		return 0, false
	}
	return page, true
}

func (s *Server) listing(ctx context.Context, page int) (*listingView, error) {
	entries, total, err := s.cfg.Entries.FindEntries(ctx, guestbook.EntryFilter{
		Offset: (page - 1) * guestbook.PageSize,
		Limit:  guestbook.PageSize,
	})
	if err != nil {
		return nil, err
	}
	l := &listingView{
		Entries: entries,
		Total:   total,
		Page:    page,
		Pages:   max(1, (total+guestbook.PageSize-1)/guestbook.PageSize),
	}
	if page > 1 {
		l.NewerURL = pageURL(min(page-1, l.Pages))
	}
	if page < l.Pages {
		l.OlderURL = pageURL(page + 1)
	}
	return l, nil
}

func pageURL(page int) string {
	if page == 1 {
		return "/"
	}
	return "/?page=" + strconv.Itoa(page)
}

// RefreshInstances reads the list of live instances that pages show in the
// banner.
func (s *Server) RefreshInstances(ctx context.Context) error {
	live, err := s.cfg.Instances.FindLiveInstances(ctx, s.now().Add(-s.cfg.LiveWindow))
	if err != nil {
		return err
	}
	s.live.Store(&live)
	return nil
}

// handleCreateEntry serves POST /entries. It stores a valid entry and
// redirects with 303 to /. For an invalid entry it sends 400 and the form
// again, with every problem listed.
func (s *Server) handleCreateEntry(w http.ResponseWriter, r *http.Request) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/x-www-form-urlencoded" {
		s.renderError(w, r, http.StatusUnsupportedMediaType)
		return
	}
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.renderError(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		s.renderError(w, r, http.StatusBadRequest)
		return
	}

	form, problems := readEntryForm(r.PostForm)
	entry, err := guestbook.NewEntry(form.Name, form.Message)
	if err != nil {
		problems = mergeProblems(problems, err)
	}
	if len(problems) > 0 {
		s.renderInvalidEntry(w, r, form, problems)
		return
	}

	entry.InstanceID = s.cfg.Instance.ID
	if err := s.cfg.Entries.CreateEntry(r.Context(), entry); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.entriesWritten.Add(1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// readEntryForm returns the name and message of a posted form, and a
// problem for each field that is missing or given more than once.
func readEntryForm(form url.Values) (formView, []guestbook.FieldError) {
	var f formView
	var problems []guestbook.FieldError
	fields := []struct {
		key, label string
		value      *string
	}{
		{"name", "Name", &f.Name},
		{"message", "Message", &f.Message},
	}
	for _, field := range fields {
		switch values := form[field.key]; len(values) {
		case 0:
			problems = append(problems, guestbook.FieldError{Field: field.key, Message: field.label + " is missing from the form."})
		case 1:
			*field.value = values[0]
		default:
			problems = append(problems, guestbook.FieldError{Field: field.key, Message: field.label + " was sent more than once."})
		}
	}
	return f, problems
}

// mergeProblems adds the problems of a validation error for the fields that
// have none yet, name before message.
func mergeProblems(problems []guestbook.FieldError, err error) []guestbook.FieldError {
	var invalid *guestbook.ValidationError
	if !errors.As(err, &invalid) {
		return append(problems, guestbook.FieldError{Field: "entry", Message: "The entry is not valid."})
	}
	for _, p := range invalid.Problems {
		if !slices.ContainsFunc(problems, func(q guestbook.FieldError) bool { return q.Field == p.Field }) {
			problems = append(problems, p)
		}
	}
	slices.SortStableFunc(problems, func(a, b guestbook.FieldError) int {
		return fieldOrder(a.Field) - fieldOrder(b.Field)
	})
	return problems
}

func fieldOrder(field string) int {
	switch field {
	case "name":
		return 0
	case "message":
		return 1
	}
	return 2
}

// renderInvalidEntry sends 400 with the form filled in again. Invalid
// UTF-8 is replaced before the values go back into the page.
func (s *Server) renderInvalidEntry(w http.ResponseWriter, r *http.Request, form formView, problems []guestbook.FieldError) {
	form.Name = strings.ToValidUTF8(form.Name, "\uFFFD")
	form.Message = strings.ToValidUTF8(form.Message, "\uFFFD")
	form.Problems = problems
	s.render(w, r, http.StatusBadRequest, "index", indexPage{
		layoutView: s.layout("Entry not saved"),
		Form:       form,
	})
}

type statusResponse struct {
	Instance      string         `json:"instance"`
	Version       string         `json:"version"`
	StartedAt     time.Time      `json:"started_at"`
	UptimeSeconds int64          `json:"uptime_seconds"`
	Counters      statusCounters `json:"counters"`
	Entries       int            `json:"entries"`
	LiveInstances []statusLive   `json:"live_instances"`
}

type statusCounters struct {
	PageViews      int64 `json:"page_views"`
	EntriesWritten int64 `json:"entries_written"`
	Sessions       int   `json:"sessions"`
}

type statusLive struct {
	ID        string    `json:"id"`
	Version   string    `json:"version"`
	StartedAt time.Time `json:"started_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// handleStatus serves GET /status: this instance's identity and counters,
// the number of entries and the live instances, as JSON.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	_, total, err := s.cfg.Entries.FindEntries(r.Context(), guestbook.EntryFilter{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.RefreshInstances(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}

	inst := s.cfg.Instance
	resp := statusResponse{
		Instance:      inst.ID,
		Version:       inst.Version,
		StartedAt:     inst.StartedAt.UTC(),
		UptimeSeconds: int64(s.now().Sub(inst.StartedAt).Seconds()),
		Counters: statusCounters{
			PageViews:      s.pageViews.Load(),
			EntriesWritten: s.entriesWritten.Load(),
			Sessions:       s.sessions.len(),
		},
		Entries:       total,
		LiveInstances: []statusLive{},
	}
	for _, live := range *s.live.Load() {
		resp.LiveInstances = append(resp.LiveInstances, statusLive{
			ID: live.ID, Version: live.Version, StartedAt: live.StartedAt, LastSeen: live.LastSeen,
		})
	}
	s.writeJSON(w, r, http.StatusOK, resp)
}

// handleHealthz serves GET /healthz: 200 while the process serves requests.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz serves GET /readyz: 200 if the database can be read, 503
// otherwise.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.DB.Ping(ctx); err != nil {
		s.log(r).Error("readiness check failed", "error", err)
		s.writeJSON(w, r, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

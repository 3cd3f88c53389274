package http

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/guestbook-secscan/guestbook/app"
)

//go:embed templates
var templateFS embed.FS

// pages maps a page name to its template set: the layout plus the page's
// "content" template. Every value reaches the output through html/template's
// contextual escaping; no data is ever converted to template.HTML.
type pages map[string]*template.Template

var templateFuncs = template.FuncMap{
	"datetime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clock":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}

func parsePages() (pages, error) {
	base, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parsing layout template: %w", err)
	}
	p := make(pages)
	for _, name := range []string{"index", "error"} {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("parsing %s template: %w", name, err)
		}
		if p[name], err = t.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("parsing %s template: %w", name, err)
		}
	}
	return p, nil
}

// layoutView is the data that every page shows.
type layoutView struct {
	Title    string // "" on the main page
	Instance instanceView
	Banner   *bannerView // nil unless several instances are live
}

type instanceView struct {
	ID             string
	Version        string
	Uptime         string
	PageViews      int64
	EntriesWritten int64
	Sessions       int
}

type bannerView struct {
	IDs []string
}

type indexPage struct {
	layoutView
	Session *sessionVisit // nil on the page sent for an invalid entry
	Form    formView
	Listing *listingView // nil on the page sent for an invalid entry
}

type formView struct {
	Name     string
	Message  string
	Problems []guestbook.FieldError
}

type listingView struct {
	Entries  []*guestbook.Entry
	Total    int
	Page     int
	Pages    int
	NewerURL string
	OlderURL string
}

type errorPage struct {
	layoutView
	Status    int
	Message   string
	RequestID string
}

// errorMessages are the only texts error pages show: never an error value,
// a path, SQL or a stack.
var errorMessages = map[int]string{
	http.StatusBadRequest:            "The request could not be understood.",
	http.StatusForbidden:             "Forms posted from other sites are not accepted.",
	http.StatusNotFound:              "There is no page at this address.",
	http.StatusMethodNotAllowed:      "This address does not accept that method.",
	http.StatusRequestEntityTooLarge: "The request body is larger than 16 KiB.",
	http.StatusUnsupportedMediaType:  "Entries must be sent as an HTML form.",
	http.StatusTooManyRequests:       "Too many entries from your address. Wait a little and try again.",
	http.StatusInternalServerError:   "Something went wrong on our side. It has been logged.",
	http.StatusServiceUnavailable:    "The guestbook is not available right now.",
}

// fallbackErrorPage is sent if the error template itself fails.
const fallbackErrorPage = "<!doctype html><title>Error</title><p>Something went wrong on our side.</p>\n"

// layout returns the data shared by every page, with the banner from the
// last known list of live instances.
func (s *Server) layout(title string) layoutView {
	v := layoutView{
		Title: title,
		Instance: instanceView{
			ID:             s.cfg.Instance.ID,
			Version:        s.cfg.Instance.Version,
			Uptime:         s.now().Sub(s.cfg.Instance.StartedAt).Truncate(time.Second).String(),
			PageViews:      s.pageViews.Load(),
			EntriesWritten: s.entriesWritten.Load(),
			Sessions:       s.sessions.len(),
		},
	}
	if live := s.live.Load(); live != nil && len(*live) > 1 {
		v.Banner = &bannerView{}
		for _, inst := range *live {
			v.Banner.IDs = append(v.Banner.IDs, inst.ID)
		}
	}
	return v
}

// render executes a page into a buffer and sends it with status, so that a
// template error never leaves a half-written page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log(r).Error("rendering page", "page", page, "error", err)
		if page != "error" {
			s.renderError(w, r, http.StatusInternalServerError)
			return
		}
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(fallbackErrorPage)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderError sends the generic error page for status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int) {
	msg, ok := errorMessages[status]
	if !ok {
		msg = http.StatusText(status)
	}
	s.render(w, r, status, "error", errorPage{
		layoutView: s.layout(http.StatusText(status)),
		Status:     status,
		Message:    msg,
		RequestID:  requestID(r.Context()),
	})
}

// serverError logs err with the request id and sends the generic 500 page.
// If the client went away first, which cancels the request's context and so
// the query that returned err, it logs that at info level and sends 503.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	method, path := truncate(r.Method, 32), truncate(r.URL.Path, 256)
	if r.Context().Err() != nil {
		s.log(r).Info("request canceled before it completed", "method", method, "path", path, "error", err)
		s.renderError(w, r, http.StatusServiceUnavailable)
		return
	}
	s.log(r).Error("request failed", "method", method, "path", path, "error", err)
	s.renderError(w, r, http.StatusInternalServerError)
}

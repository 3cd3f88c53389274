package http

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// contentTypes maps the extensions of the static files to their media
// types. It is fixed here rather than read from the system's mime.types, so
// the same binary sends the same types everywhere.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8",
}

// staticFile is one embedded file, read into memory at start.
type staticFile struct {
	data        []byte
	contentType string
	etag        string
}

// loadStatic reads every embedded static file into a map keyed by its path
// below static/. Serving only exact keys of this map means no request path,
// however encoded, can name a file outside it: there is no file system
// lookup, no directory listing and no path joining at request time.
func loadStatic() (map[string]staticFile, error) {
	files := make(map[string]staticFile)
	err := fs.WalkDir(staticFS, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(name)
		if err != nil {
			return err
		}
		contentType, ok := contentTypes[path.Ext(name)]
		if !ok {
			return fmt.Errorf("static file %s has no known content type: add its extension to contentTypes", name)
		}
		sum := sha256.Sum256(data)
		files[strings.TrimPrefix(name, "static/")] = staticFile{
			data:        data,
			contentType: contentType,
			etag:        `"` + hex.EncodeToString(sum[:16]) + `"`,
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading static files: %w", err)
	}
	return files, nil
}

// handleStatic serves GET /static/{name}.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}

// Command planted is a deliberately insecure web service. The secscan tests
// scan this folder and expect exactly one finding for each rule named in a
// "plant:" comment, at the line of that comment, and no other finding. The
// problem under a "#nosec" comment is reported as suppressed. Never deploy it.
package main

import (
	"crypto/md5" // plant: G501
	"database/sql"
	"encoding/hex"
	"html/template"
	"net/http"
	"os"
	"path/filepath"

	"golang.org/x/text/language"
)

// databasePassword is a hard-coded credential of high entropy, so that gosec
// reports it: G101 ignores passwords of low entropy.
var databasePassword = "zWZ3P2S4bMjKfePBwGmbS4pFVzv6VLJo3IWt4qox" // plant: G101

var db *sql.DB

// findUser builds SQL from the request by string concatenation.
func findUser(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	rows, err := db.Query("SELECT id FROM users WHERE name = '" + name + "'") // plant: G202 G701
	if err != nil {
		http.Error(w, "query failed", http.StatusInternalServerError)
		return
	}
	defer rows.Close()
}

// readNote reads a file named by the request without cleaning the path.
func readNote(w http.ResponseWriter, r *http.Request) {
	data, err := os.ReadFile(filepath.Join("notes", r.URL.Query().Get("file"))) // plant: G703
	if err != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	// #nosec G104 -- the status line is already sent, so a failed write cannot be reported to the client
	w.Write(data) // plant: G104 G705
}

// greet writes request input into the page without escaping it.
func greet(w http.ResponseWriter, r *http.Request) {
	page := template.HTML("<p>Hello " + r.FormValue("name") + "</p>") // plant: G203
	if _, err := w.Write([]byte(page)); err != nil {                  // plant: G705
		return
	}
}

// checksum hashes the request body with MD5, a broken hash.
func checksum(w http.ResponseWriter, r *http.Request) {
	sum := md5.Sum([]byte(r.FormValue("body"))) // plant: G401
	w.Write([]byte(hex.EncodeToString(sum[:]))) // plant: G104 G705
}

// preferredLanguage picks the response language from the Accept-Language header with
// a version of golang.org/x/text that panics on some malformed tags.
func preferredLanguage(w http.ResponseWriter, r *http.Request) {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		http.Error(w, "bad Accept-Language", http.StatusBadRequest)
		return
	}
	http.Error(w, tags[0].String(), http.StatusOK)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/user", findUser)
	mux.HandleFunc("/note", readNote)
	mux.HandleFunc("/greet", greet)
	mux.HandleFunc("/checksum", checksum)
	mux.HandleFunc("/language", preferredLanguage)
	_ = databasePassword
	_ = http.ListenAndServe(":8080", mux) // plant: G114
}

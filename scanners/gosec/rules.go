package gosec

import (
	"fmt"
	"strings"

	"github.com/securego/gosec/v2/cwe"
	"github.com/securego/gosec/v2/issue"

	"github.com/guestbook-secscan/guestbook/scanners/finding"
)

// ruleDoc is secscan's description of one gosec rule. gosec's own rule texts
// are one-line titles, so these are written here: what the rule detects, why
// it matters and how to fix it.
type ruleDoc struct {
	name  string // identifier-like name
	short string // one sentence
	full  string // detection and impact
	fix   string // remediation
}

// ruleDocs has an entry for every rule and analyzer of gosec v2.30.0. A test
// checks that it covers rules.Generate and analyzers.Generate, so a gosec
// upgrade that adds a rule fails until the rule is described here.
var ruleDocs = map[string]ruleDoc{
	"G101": {"HardcodedCredentials", "Hard-coded credential.",
		"A string literal that looks like a password, token or key is assigned to a variable, constant or field whose name suggests a credential, or matches a known secret format. gosec ignores values of low entropy. Anyone who can read the source or the binary can use the credential.",
		"Load the secret at run time from the environment, a file outside the repository or a secret manager, and rotate the exposed credential."},
	"G102": {"BindAllInterfaces", "Listener bound to all network interfaces.",
		"A network listener is bound to 0.0.0.0, [::] or an empty host, so it accepts connections on every interface of the machine, including ones that face untrusted networks.",
		"Bind to the interface the service needs, such as 127.0.0.1, or make the address configurable."},
	"G103": {"UnsafeUsage", "Use of package unsafe.",
		"Code uses package unsafe, which bypasses Go's type and memory safety. A mistake in pointer arithmetic or conversion can corrupt memory or leak data, and unsafe code is not covered by the Go 1 compatibility promise.",
		"Use safe APIs where they exist; keep any remaining unsafe code small, documented and tested."},
	"G104": {"UncheckedError", "Error return value not checked.",
		"A call returns an error that the code neither checks nor assigns. Ignored errors hide failed writes, closes and security checks, and leave the program running in a state it did not expect.",
		"Handle or return the error. Assign it to _ only where ignoring it is safe, with a comment that says why."},
	"G106": {"SSHInsecureIgnoreHostKey", "SSH host key verification disabled.",
		"The SSH client configuration uses ssh.InsecureIgnoreHostKey, so the client accepts any server key and a machine in the middle can impersonate the server.",
		"Verify host keys with ssh.FixedHostKey or a known_hosts callback (golang.org/x/crypto/ssh/knownhosts)."},
	"G107": {"HTTPRequestVariableURL", "HTTP request to a URL built from a variable.",
		"An HTTP request is made to a URL that comes from a variable rather than a constant. If the value is controlled by a user, the server can be made to fetch internal or attacker-chosen addresses (server-side request forgery).",
		"Build request URLs from constants or validate the host against an allow list before sending the request."},
	"G108": {"PprofExposed", "Profiling endpoint exposed.",
		"Importing net/http/pprof registers /debug/pprof handlers on http.DefaultServeMux. If that mux serves public traffic, anyone can read stack traces, memory profiles and command-line arguments.",
		"Serve pprof on a separate, private listener or mux, and do not import it in production builds."},
	"G109": {"AtoiIntegerOverflow", "strconv.Atoi result converted to a smaller integer.",
		"The int returned by strconv.Atoi is converted to int16 or int32. Values out of range wrap around silently, which can break bounds and size checks.",
		"Use strconv.ParseInt with the target bit size, or check the range before converting."},
	"G110": {"DecompressionBomb", "Unbounded copy from a decompressor.",
		"Data from a decompressing reader is copied with io.Copy or io.ReadAll without a limit. A small compressed input can expand to gigabytes and exhaust memory or disk.",
		"Copy with io.CopyN or wrap the reader in io.LimitReader with a size that fits the application."},
	"G111": {"HTTPDirRoot", "File server rooted at a broad directory.",
		"http.Dir is given the file system root or another broad directory, so an HTTP file server can expose any file the process can read.",
		"Serve only a dedicated directory of public files, or embed them with embed.FS."},
	"G112": {"MissingReadHeaderTimeout", "HTTP server without ReadHeaderTimeout.",
		"An http.Server is configured without ReadHeaderTimeout (or ReadTimeout), so a client can hold connections open by sending headers slowly (Slowloris) and exhaust the server's connections.",
		"Set ReadHeaderTimeout, and also ReadTimeout, WriteTimeout and IdleTimeout, on every http.Server."},
	"G113": {"HTTPRequestSmuggling", "Request smuggling through conflicting headers.",
		"A response or proxied request sets both Transfer-Encoding and Content-Length, or body parsing accepts bare line feeds. Servers and proxies that disagree on where a message ends can be made to accept a smuggled request.",
		"Set only one of the length headers and let net/http frame messages."},
	"G114": {"HTTPServeWithoutTimeouts", "net/http serve function without timeouts.",
		"http.ListenAndServe, ListenAndServeTLS, Serve or ServeTLS is called directly. These helpers use a server with no read, write or idle timeouts, so slow or idle clients can exhaust the server's connections.",
		"Create an http.Server with ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout, and call its methods."},
	"G115": {"IntegerConversionOverflow", "Integer conversion that can overflow.",
		"An integer is converted to a type whose range does not cover every value of the source type, and no range check guards the conversion. The value can wrap around or change sign, which can defeat length and bounds checks.",
		"Check the value against the target type's limits before converting, or keep the wider type."},
	"G116": {"TrojanSource", "Bidirectional Unicode control character in source.",
		"A source file contains bidirectional text control characters. They can make code display differently from how the compiler reads it (Trojan Source, CVE-2021-42574), hiding logic from reviewers.",
		"Remove the control characters, or write them as escape sequences inside string literals."},
	"G117": {"SecretSerialized", "Secret field serialized.",
		"An exported struct field whose name suggests a secret (password, token, key) is serialized by encoding/json, YAML, XML or TOML, so the secret can end up in responses, logs or files.",
		"Tag the field with `json:\"-\"` (and the equivalent for other encoders), or keep secrets in unexported fields or a separate type."},
	"G118": {"ContextPropagation", "Context not propagated.",
		"A goroutine, request or loop ignores the context it should inherit, or a cancel function is never called. Work then outlives its caller and can leak goroutines and resources under load.",
		"Pass the caller's context down, derive child contexts from it, and call every cancel function, usually with defer."},
	"G119": {"RedirectHeaderLeak", "Redirect policy may forward sensitive headers.",
		"A custom http.Client CheckRedirect function copies headers such as Authorization or Cookie to the next request, which can send credentials to another host.",
		"Drop sensitive headers when a redirect changes the host, or keep the default redirect policy."},
	"G120": {"UnboundedFormParsing", "Unbounded form parsing in an HTTP handler.",
		"A handler parses a multipart or URL-encoded form from a request body with no size limit, so a large request can exhaust memory or disk.",
		"Wrap the body with http.MaxBytesReader and pass a bounded size to ParseMultipartForm."},
	"G121": {"CrossOriginProtectionBypass", "Unsafe CrossOriginProtection bypass.",
		"An http.CrossOriginProtection is configured with bypass patterns broad enough to exempt state-changing endpoints from cross-origin request forgery protection.",
		"Keep bypass patterns narrow and limited to endpoints that change no state."},
	"G122": {"WalkSymlinkRace", "File system race in a Walk callback.",
		"A filepath.Walk or WalkDir callback acts on a path after checking it, so a symlink swapped in between can redirect the operation outside the intended tree (time-of-check to time-of-use).",
		"Open files relative to a root with os.Root, or re-check the opened file rather than the path."},
	"G123": {"TLSResumptionBypassesVerifyPeer", "TLS resumption may skip VerifyPeerCertificate.",
		"A tls.Config sets VerifyPeerCertificate without VerifyConnection while session resumption is possible. Resumed sessions skip VerifyPeerCertificate, so custom certificate checks can be bypassed.",
		"Do the custom checks in VerifyConnection, which runs on resumed sessions too, or disable session tickets."},
	"G124": {"InsecureCookie", "Cookie without Secure, HttpOnly or SameSite.",
		"An http.Cookie is created without the Secure, HttpOnly or SameSite attributes, so it can be sent over plain HTTP, read by scripts or attached to cross-site requests.",
		"Set Secure and HttpOnly, and SameSite to Lax or Strict, on session and other sensitive cookies."},
	"G125": {"URLJoinPathUnescaped", "Unescaped input in url.JoinPath.",
		"Input that may contain path separators or dot segments is passed to url.JoinPath, which cleans the result, so the request can reach a different path than intended.",
		"Escape each element with url.PathEscape, or validate it, before joining."},
	"G201": {"SQLFormatString", "SQL query built with a format string.",
		"A SQL statement is built with fmt.Sprintf or a similar function from values that may come from outside, so input can change the statement (SQL injection).",
		"Use placeholders (? or $1) and pass the values as query arguments."},
	"G202": {"SQLStringConcatenation", "SQL query built by string concatenation.",
		"A SQL statement is built by concatenating strings with values that may come from outside, so input can change the statement (SQL injection).",
		"Use placeholders (? or $1) and pass the values as query arguments."},
	"G203": {"UnescapedHTMLTemplate", "Unescaped data in an HTML template.",
		"A value is converted to template.HTML, template.JS, template.URL or a similar type, which html/template inserts without escaping. If the value contains user input, the page is open to cross-site scripting.",
		"Pass plain strings to html/template so it escapes them; convert only constant, trusted markup."},
	"G204": {"SubprocessVariableInput", "Subprocess launched with variable input.",
		"A command is started with exec.Command, exec.CommandContext, syscall.Exec or similar with a program name or arguments that come from a variable. Input that reaches them can run other programs or inject options.",
		"Use a fixed program path, validate arguments against an allow list, and never pass input through a shell."},
	"G301": {"MkdirPermissions", "Directory created with broad permissions.",
		"os.Mkdir or os.MkdirAll is called with permission bits wider than 0750, so other users on the machine can read or enter the directory.",
		"Use 0750 or stricter."},
	"G302": {"FilePermissions", "File opened or changed with broad permissions.",
		"os.OpenFile or os.Chmod uses permission bits wider than 0600, so other users on the machine can read or write the file.",
		"Use 0600 or stricter for files that hold private data."},
	"G303": {"PredictableTempFile", "Temporary file with a predictable path.",
		"A temporary file is created at a fixed or predictable path in a shared directory such as /tmp. Another user can create or link that path first and read or replace the data.",
		"Use os.CreateTemp or os.MkdirTemp, which choose unique names."},
	"G304": {"FileInclusion", "File path from variable input.",
		"A file is opened or read with a path that comes from a variable. If the path contains user input, a caller can read files outside the intended directory (path traversal).",
		"Open files through os.Root or clean the path with filepath.Clean and check that it stays inside the base directory."},
	"G305": {"ZipSlip", "Archive entry path used without checks.",
		"A path from a zip or tar entry is joined to a destination directory without checking it, so an entry named ../x can write outside the destination (Zip Slip).",
		"Reject entries whose cleaned path leaves the destination, or extract through os.Root."},
	"G306": {"WriteFilePermissions", "File written with broad permissions.",
		"os.WriteFile is called with permission bits wider than 0600, so other users on the machine can read the file.",
		"Use 0600 or stricter for files that hold private data."},
	"G307": {"CreateFilePermissions", "File created with os.Create default permissions.",
		"os.Create makes files with mode 0666 before the umask, which is wider than the configured limit for private files.",
		"Use os.OpenFile with explicit, narrow permissions."},
	"G401": {"WeakHash", "Use of MD5 or SHA-1.",
		"Data is hashed with MD5 or SHA-1. Both have practical collision attacks and must not protect integrity, signatures or passwords.",
		"Use SHA-256 or stronger for integrity, and a password hash such as bcrypt, scrypt or Argon2 for passwords."},
	"G402": {"BadTLSSettings", "Insecure TLS configuration.",
		"A tls.Config allows old protocol versions or weak cipher suites, or sets InsecureSkipVerify, so connections can be downgraded or intercepted.",
		"Keep MinVersion at TLS 1.2 or later, use Go's default cipher suites and never skip certificate verification outside tests."},
	"G403": {"WeakRSAKey", "RSA key shorter than 2048 bits.",
		"An RSA key is generated with fewer than 2048 bits, which is below current recommendations and can be factored with enough resources.",
		"Generate RSA keys of at least 2048 bits, or use Ed25519 or ECDSA."},
	"G404": {"WeakRandom", "Insecure random number source.",
		"Random values come from math/rand or math/rand/v2, whose output is predictable. Tokens, keys or nonces made from it can be guessed.",
		"Use crypto/rand for anything an attacker must not predict."},
	"G405": {"WeakCipher", "Use of DES or RC4.",
		"Data is encrypted with DES, Triple DES or RC4, ciphers that are broken or too weak for current use.",
		"Use AES-GCM or ChaCha20-Poly1305."},
	"G406": {"DeprecatedHash", "Use of MD4 or RIPEMD-160.",
		"Data is hashed with MD4 or RIPEMD-160, deprecated hashes that must not be used for security.",
		"Use SHA-256 or stronger."},
	"G407": {"HardcodedNonce", "Hard-coded IV or nonce.",
		"An encryption call receives an initialization vector or nonce that is a constant or a fixed buffer. Reusing a nonce with the same key breaks the confidentiality of AES-GCM and other modes.",
		"Generate a fresh random nonce with crypto/rand for every encryption and store it with the ciphertext."},
	"G408": {"SSHPublicKeyCallbackState", "Stateful ssh.PublicKeyCallback.",
		"An ssh.ServerConfig PublicKeyCallback records state about the offered key. The callback also runs for keys the client only offers without proving possession, so the state can authorize a key the client does not hold.",
		"Make authorization decisions from the Permissions returned for the authenticated connection, not from state kept in the callback."},
	"G501": {"ImportMD5", "Import of crypto/md5.",
		"The package imports crypto/md5, a broken hash function.",
		"Use crypto/sha256 or stronger; keep MD5 only for non-security checksums and suppress the finding there with a justification."},
	"G502": {"ImportDES", "Import of crypto/des.",
		"The package imports crypto/des, whose ciphers are too weak for current use.",
		"Use crypto/aes with GCM, or golang.org/x/crypto/chacha20poly1305."},
	"G503": {"ImportRC4", "Import of crypto/rc4.",
		"The package imports crypto/rc4, a broken stream cipher.",
		"Use crypto/aes with GCM, or golang.org/x/crypto/chacha20poly1305."},
	"G504": {"ImportCGI", "Import of net/http/cgi.",
		"The package imports net/http/cgi. CGI passes request data through environment variables and has had vulnerabilities such as httpoxy (CVE-2016-5386).",
		"Serve requests with net/http directly."},
	"G505": {"ImportSHA1", "Import of crypto/sha1.",
		"The package imports crypto/sha1, a hash with practical collision attacks.",
		"Use crypto/sha256 or stronger."},
	"G506": {"ImportMD4", "Import of golang.org/x/crypto/md4.",
		"The package imports golang.org/x/crypto/md4, a broken hash function.",
		"Use crypto/sha256 or stronger."},
	"G507": {"ImportRIPEMD160", "Import of golang.org/x/crypto/ripemd160.",
		"The package imports golang.org/x/crypto/ripemd160, a deprecated hash function.",
		"Use crypto/sha256 or stronger."},
	"G601": {"ImplicitMemoryAliasing", "Address of a range loop variable.",
		"Before Go 1.22, a for-range loop reused one variable for every iteration, so taking its address stored a pointer that later iterations overwrote. gosec reports it only when the Go version it detects is 1.21 or older.",
		"Raise the module's go line to 1.22 or later, or copy the value into a new variable before taking its address."},
	"G602": {"SliceBoundsOutOfRange", "Slice index or bound possibly out of range.",
		"A slice is indexed or resliced with a value that static analysis cannot prove to be within its length or capacity, so the program may panic.",
		"Check the length before indexing or slicing."},
	"G701": {"SQLInjectionTaint", "SQL injection.",
		"Data from a request, a command-line argument, the environment or another untrusted source reaches a SQL query without being passed as a query argument, so input can change the statement.",
		"Use placeholders (? or $1) and pass the values as query arguments."},
	"G702": {"CommandInjectionTaint", "Command injection.",
		"Data from an untrusted source reaches the program name or arguments of a started process, so input can run other commands or inject options.",
		"Use a fixed program path, validate arguments against an allow list, and never pass input through a shell."},
	"G703": {"PathTraversalTaint", "Path traversal.",
		"Data from an untrusted source reaches a file system path, so input such as ../ can read or write files outside the intended directory.",
		"Open files through os.Root, or clean the path and check that it stays inside the base directory."},
	"G704": {"SSRFTaint", "Server-side request forgery.",
		"Data from an untrusted source reaches the URL of an outgoing HTTP request, so a caller can make the server contact internal or attacker-chosen hosts.",
		"Validate the scheme and host against an allow list, and block private and link-local addresses."},
	"G705": {"XSSTaint", "Cross-site scripting.",
		"Data from an untrusted source is written to an HTTP response without HTML escaping, so input can inject script into the page.",
		"Render HTML with html/template, or escape the data with html.EscapeString and set a non-HTML Content-Type where possible."},
	"G706": {"LogInjectionTaint", "Log injection.",
		"Data from an untrusted source is written to a log without neutralizing line breaks, so input can forge log entries.",
		"Log untrusted values as structured attributes (log/slog) or quote them with %q."},
	"G707": {"SMTPInjectionTaint", "SMTP command or header injection.",
		"Data from an untrusted source reaches SMTP commands or mail headers, so CR LF sequences in input can add recipients or headers.",
		"Validate addresses with net/mail and reject CR and LF in header values."},
	"G708": {"TemplateInjectionTaint", "Server-side template injection.",
		"Data from an untrusted source is parsed as a text/template, so input can call template functions and methods and reach data it should not.",
		"Parse templates only from trusted, constant sources and pass input as data."},
	"G709": {"UnsafeDeserializationTaint", "Deserialization of untrusted data.",
		"Data from an untrusted source is decoded with encoding/gob or another decoder that can build arbitrary types, which can exhaust resources or reach unexpected code.",
		"Decode untrusted input into fixed, simple types (for example with encoding/json) and limit its size."},
	"G710": {"OpenRedirectTaint", "Open redirect.",
		"Data from an untrusted source becomes the target of http.Redirect, so a link to this site can send users to an attacker's site.",
		"Redirect only to relative paths or to hosts on an allow list."},
}

// securegoPages lists the rules that have a page on securego.io.
var securegoPages = map[string]string{
	"G101": "g101", "G102": "g102", "G103": "g103", "G104": "g104",
	"G107": "g107", "G201": "g201-g202", "G202": "g201-g202", "G304": "g304",
}

// rulesAnchors are the sections of gosec's RULES.md that list each rule.
// Rules with configuration options have a section of their own.
var rulesAnchors = map[string]string{
	"G101": "g101", "G104": "g104", "G111": "g111", "G117": "g117", "G118": "g118",
	"G301": "g301-g302-g306-g307", "G302": "g301-g302-g306-g307",
	"G306": "g301-g302-g306-g307", "G307": "g301-g302-g306-g307",
}

var groupAnchors = map[byte]string{
	'1': "g1xx-general-secure-coding",
	'2': "g2xx-injection-patterns",
	'3': "g3xx-filesystem-and-permissions",
	'4': "g4xx-crypto-and-protocol-security",
	'5': "g5xx-import-blocklist",
	'6': "g6xx-languageruntime-safety",
	'7': "g7xx-taint-analysis",
}

// rulesListURL returns the link to id's entry in gosec's RULES.md at the
// given gosec version.
func rulesListURL(id, version string) string {
	anchor := rulesAnchors[id]
	if anchor == "" && len(id) == 4 {
		anchor = groupAnchors[id[1]]
	}
	u := "https://github.com/securego/gosec/blob/v" + version + "/RULES.md"
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// newRule returns the rule metadata for id. Level, SecuritySeverity and
// Precision are left for the caller, which takes them from the results.
// fallbackTitle is gosec's own title for the rule and is used only for an id
// that ruleDocs does not describe.
func newRule(id, version, fallbackTitle string) finding.Rule {
	doc, ok := ruleDocs[id]
	if !ok {
		title := strings.TrimSpace(fallbackTitle)
		if title == "" {
			title = "gosec rule " + id
		}
		doc = ruleDoc{
			name:  "Gosec" + id,
			short: title + ".",
			full:  "gosec rule " + id + ": " + title + ". secscan has no description of this rule yet; see gosec's rule list.",
			fix:   "See gosec's rule list for guidance.",
		}
	}

	listURL := rulesListURL(id, version)
	helpURI := listURL
	links := []string{fmt.Sprintf("[gosec rule list](%s)", listURL)}
	textLinks := []string{"gosec rule list: " + listURL}
	if page, ok := securegoPages[id]; ok {
		helpURI = "https://securego.io/docs/rules/" + page + ".html"
		links = append(links, fmt.Sprintf("[securego.io: %s](%s)", id, helpURI))
		textLinks = append(textLinks, "securego.io: "+helpURI)
	}

	tags := []string{"security"}
	if w := weakness(id); w != nil {
		tags = append(tags, "external/cwe/cwe-"+w.ID)
		links = append(links, fmt.Sprintf("[CWE-%s: %s](%s)", w.ID, w.Name, w.SprintURL()))
		textLinks = append(textLinks, fmt.Sprintf("CWE-%s: %s", w.ID, w.SprintURL()))
	}

	return finding.Rule{
		ID:               id,
		Name:             doc.name,
		ShortDescription: doc.short,
		FullDescription:  doc.full,
		HelpText:         doc.full + "\n\nFix: " + doc.fix + "\n\n" + strings.Join(textLinks, "\n"),
		HelpMarkdown: fmt.Sprintf("**%s: %s**\n\n%s\n\n**Fix:** %s\n\n**References:** %s",
			id, strings.TrimSuffix(doc.short, "."), doc.full, doc.fix, strings.Join(links, " · ")),
		HelpURI: helpURI,
		Tags:    tags,
	}
}

// missingWeaknesses are CWE entries that gosec v2.30.0 maps rules to in its
// issue package but that its cwe package lacks, so issue.GetCweByRule
// returns nil for these rules. Names are MITRE's.
var missingWeaknesses = map[string]*cwe.Weakness{
	"G116": {ID: "838", Name: "Inappropriate Encoding for Output Context"},
	"G121": {ID: "346", Name: "Origin Validation Error"},
	"G710": {ID: "601", Name: "URL Redirection to Untrusted Site ('Open Redirect')"},
}

// weakness returns the CWE entry of rule id, or nil when gosec maps it to
// none.
func weakness(id string) *cwe.Weakness {
	if w := issue.GetCweByRule(id); w != nil {
		return w
	}
	return missingWeaknesses[id]
}

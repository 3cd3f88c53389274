package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"time"
)

// config is the configuration of the server, from flags with environment
// fallbacks.
type config struct {
	addr            string
	dbPath          string
	instance        string
	tlsCert         string
	tlsKey          string
	secretFile      string
	heartbeat       time.Duration
	shutdownTimeout time.Duration
	rateLimit       float64
	rateBurst       int
	logLevel        slog.Level
}

// envNames maps each flag to the environment variable read when the flag
// is not given.
var envNames = map[string]string{
	"addr":             "GUESTBOOK_ADDR",
	"db":               "GUESTBOOK_DB",
	"instance":         "GUESTBOOK_INSTANCE",
	"tls-cert":         "GUESTBOOK_TLS_CERT",
	"tls-key":          "GUESTBOOK_TLS_KEY",
	"secret-file":      "GUESTBOOK_SECRET_FILE",
	"heartbeat":        "GUESTBOOK_HEARTBEAT",
	"shutdown-timeout": "GUESTBOOK_SHUTDOWN_TIMEOUT",
	"rate-limit":       "GUESTBOOK_RATE_LIMIT",
	"rate-burst":       "GUESTBOOK_RATE_BURST",
	"log-level":        "GUESTBOOK_LOG_LEVEL",
}

// instanceIDPattern admits host and pod names. Other characters would end up
// in pages, logs and the database for no benefit.
var instanceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// parseConfig parses the server's flags. A flag that is not given takes its
// environment variable, if set, and then its default. Usage and errors go to
// output; -h returns flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("guestbook", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() {
		fmt.Fprintf(output, "Usage: guestbook [flags]\n       guestbook healthcheck [flags]\n\nFlags:\n")
		fs.PrintDefaults()
	}

	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&c.dbPath, "db", "./data/guestbook.db", "`path` of the SQLite database, created with its directory if missing")
	fs.StringVar(&c.instance, "instance", defaultInstanceID(), "`id` of this instance, shown on every page (default: the hostname)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "`path` of a PEM certificate chain; with -tls-key, serve HTTPS")
	fs.StringVar(&c.tlsKey, "tls-key", "", "`path` of the PEM private key of -tls-cert")
	fs.StringVar(&c.secretFile, "secret-file", "", "`path` of a file with at least 32 bytes that sign session cookies\n(default: a key generated in memory at start)")
	fs.DurationVar(&c.heartbeat, "heartbeat", 10*time.Second, "`interval` between updates of this instance's record; an instance is live\nwhile its last update is less than three intervals old")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "`time` that requests in flight get to finish after SIGTERM or SIGINT")
	fs.Float64Var(&c.rateLimit, "rate-limit", 10, "entries one client address may post per minute")
	fs.IntVar(&c.rateBurst, "rate-burst", 5, "entries one client address may post at once before -rate-limit applies")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "minimum `level` of log records: DEBUG, INFO, WARN or ERROR")
	for name, env := range envNames {
		f := fs.Lookup(name)
		f.Usage += " (env " + env + ")"
	}

	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q: the only subcommand is healthcheck", fs.Arg(0))
	}
	if err := applyEnv(fs, getenv); err != nil {
		return config{}, err
	}
	return c, c.check()
}

// applyEnv sets each flag that was not given on the command line from its
// environment variable, if that is set and not empty.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	onCommandLine := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	for name, env := range envNames {
		if fs.Lookup(name) == nil {
			continue
		}
		value := getenv(env)
		if onCommandLine[name] || value == "" {
			continue
		}
		if err := fs.Set(name, value); err != nil {
			return fmt.Errorf("invalid %s=%q: %w", env, value, err)
		}
	}
	return nil
}

func (c *config) check() error {
	switch {
	case !instanceIDPattern.MatchString(c.instance):
		return fmt.Errorf("invalid instance id %q: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit", c.instance)
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return errors.New("-tls-cert and -tls-key must be given together")
	case c.heartbeat < 100*time.Millisecond:
		return fmt.Errorf("invalid -heartbeat %v: use 100ms or more", c.heartbeat)
	case c.shutdownTimeout <= 0:
		return fmt.Errorf("invalid -shutdown-timeout %v: use a positive duration", c.shutdownTimeout)
	case c.rateLimit <= 0:
		return fmt.Errorf("invalid -rate-limit %v: use a positive number of entries a minute", c.rateLimit)
	case c.rateBurst < 1:
		return fmt.Errorf("invalid -rate-burst %d: use 1 or more", c.rateBurst)
	}
	return nil
}

// defaultInstanceID returns the hostname, which is the pod name in
// Kubernetes, or "guestbook" if it cannot be read.
func defaultInstanceID() string {
	host, err := os.Hostname()
	if err != nil || !instanceIDPattern.MatchString(host) {
		return "guestbook"
	}
	return host
}

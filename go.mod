module github.com/guestbook-secscan/guestbook

go 1.26.0

require (
	github.com/aquasecurity/bolt-fixtures v0.0.0-20200903104109-d34e7f983986 // indirect
	github.com/aquasecurity/trivy-db v0.0.0-20260813095258-0e0340a01b57 // indirect
	github.com/bmatcuk/doublestar/v4 v4.10.0 // indirect
	github.com/goccy/go-yaml v1.19.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/owenrumney/go-sarif/v2 v2.3.3 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/securego/gosec/v2 v2.30.0 // indirect
	go.etcd.io/bbolt v1.4.3 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	golang.org/x/mod v0.43.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/term v0.48.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	golang.org/x/vuln v1.9.0 // indirect
)

// Package workflowcheck holds the tests that check the GitHub Actions
// workflows in .github/workflows: they pass actionlint (pinned in
// tools/actionlint.mod), every make target they call exists in the
// Makefile, every action is pinned to a full commit SHA with its version in
// a comment, permissions are set and least privilege, and the security
// workflow publishes its findings before it applies the policy.
//
// The package has no code of its own; it exists so that "go test ./..."
// runs these checks.
package workflowcheck

# METADATA
# title: Base images must be pinned to a tag other than latest, or a digest
# description: >-
#   A FROM image without a tag means "latest", which changes under the build
#   without review. Every FROM must name a tag other than latest, or a digest
#   (image@sha256:...). FROM scratch and FROM of an earlier stage's name are
#   allowed. ARG defaults declared before the first FROM are substituted; a
#   reference that still contains a variable cannot be verified and fails.
# scope: package
# custom:
#   id: GB-0002
#   severity: HIGH
#   recommended_action: Pin every FROM image to a release tag such as golang:1.26.8-bookworm, or to a digest.
#   input:
#     selector:
#     - type: dockerfile
package user.guestbook.GB0002

import rego.v1

# Stage names declared with FROM ... AS name, which later FROMs may use.
stage_names contains lower(cmd.Value[2]) if {
	some stage in input.Stages
	some cmd in stage.Commands
	cmd.Cmd == "from"
	count(cmd.Value) >= 3
	lower(cmd.Value[1]) == "as"
}

# ARG defaults before the first FROM, which FROM may reference.
global_args[name] := value if {
	some cmd in input.Stages[0].Commands
	cmd.Cmd == "arg"
	some arg in cmd.Value
	contains(arg, "=")
	[name, raw] := split_once(arg, "=")
	value := trim(raw, "\"'")
}

split_once(s, sep) := [substring(s, 0, i), substring(s, i + 1, -1)] if {
	i := indexof(s, sep)
	i >= 0
}

substitute(ref) := strings.replace_n(
	{sprintf("${%s}", [k]): v | some k, v in global_args},
	strings.replace_n({sprintf("$%s", [k]): v | some k, v in global_args}, ref),
)

# tag returns the tag of an image reference without a digest, or "" when it
# has none. A colon before the last slash belongs to a registry port.
tag(ref) := t if {
	parts := split(ref, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
} else := ""

problem(ref) := "contains a variable that has no default" if {
	contains(ref, "$")
} else := "has no tag, which means latest" if {
	not contains(ref, "@")
	tag(ref) == ""
} else := "uses the latest tag" if {
	not contains(ref, "@")
	tag(ref) == "latest"
}

deny contains res if {
	some stage in input.Stages
	some cmd in stage.Commands
	cmd.Cmd == "from"
	raw := cmd.Value[0]
	lower(raw) != "scratch"
	not lower(raw) in stage_names
	ref := substitute(raw)
	reason := problem(ref)
	res := result.new(sprintf("FROM %s %s; pin it to a release tag or a digest", [raw, reason]), cmd)
}

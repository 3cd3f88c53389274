# METADATA
# title: Image must run as uid 1000 and gid 1000
# description: >-
#   The guestbook image runs as the unprivileged user 1000:1000, which the
#   Kubernetes manifests and the volume permissions assume. The last USER
#   instruction of the final stage must be exactly "USER 1000:1000": a user
#   name needs /etc/passwd in the image and cannot be verified by Kubernetes'
#   runAsNonRoot.
# scope: package
# custom:
#   id: GB-0001
#   severity: HIGH
#   recommended_action: Add "USER 1000:1000" as the last USER instruction of the final stage.
#   input:
#     selector:
#     - type: dockerfile
package user.guestbook.GB0001

import rego.v1

final_stage := input.Stages[count(input.Stages) - 1]

users := [cmd | some cmd in final_stage.Commands; cmd.Cmd == "user"]

from := [cmd | some cmd in final_stage.Commands; cmd.Cmd == "from"][0]

deny contains res if {
	count(users) == 0
	res := result.new("The final stage has no USER instruction; add USER 1000:1000", from)
}

deny contains res if {
	last := users[count(users) - 1]
	concat(" ", last.Value) != "1000:1000"
	msg := sprintf("The final stage runs as %q; use USER 1000:1000", [concat(" ", last.Value)])
	res := result.new(msg, last)
}

# METADATA
# title: Containers must drop all capabilities
# description: >-
#   The guestbook needs no Linux capability: it listens on a port above 1024
#   and owns its files. Dropping ALL removes the capabilities that the
#   container runtime grants by default, such as NET_RAW and CHOWN.
# scope: package
# custom:
#   id: GB-0008
#   severity: HIGH
#   recommended_action: Set securityContext.capabilities.drop to ["ALL"] on every container.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0008

import rego.v1

import data.lib.guestbook.kubernetes as k8s

drops_all(c) if {
	some cap in k8s.security_context(c).capabilities.drop
	upper(cap) == "ALL"
}

deny contains res if {
	some c in k8s.containers
	not drops_all(c)
	msg := sprintf("%s does not drop ALL capabilities", [k8s.describe(c)])
	res := result.new(msg, c)
}

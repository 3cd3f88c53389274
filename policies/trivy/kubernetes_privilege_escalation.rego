# METADATA
# title: Containers must not allow privilege escalation
# description: >-
#   allowPrivilegeEscalation false sets no_new_privs, so a setuid binary or
#   file capability in the container cannot gain privileges that the process
#   did not start with. Kubernetes defaults it to true.
# scope: package
# custom:
#   id: GB-0007
#   severity: HIGH
#   recommended_action: Set securityContext.allowPrivilegeEscalation to false on every container.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0007

import rego.v1

import data.lib.guestbook.kubernetes as k8s

deny contains res if {
	some c in k8s.containers
	not k8s.security_context(c).allowPrivilegeEscalation == false
	msg := sprintf("%s does not set securityContext.allowPrivilegeEscalation: false", [k8s.describe(c)])
	res := result.new(msg, c)
}

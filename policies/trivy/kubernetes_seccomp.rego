# METADATA
# title: Containers must use the RuntimeDefault seccomp profile
# description: >-
#   Without a seccomp profile, a container may make every system call,
#   including the rarely used ones behind many kernel exploits. The profile
#   type must be RuntimeDefault on every container, set on the container or
#   set on the pod and not overridden.
# scope: package
# custom:
#   id: GB-0009
#   severity: HIGH
#   recommended_action: Set securityContext.seccompProfile.type to RuntimeDefault on the pod.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0009

import rego.v1

import data.lib.guestbook.kubernetes as k8s

# The container's profile wins over the pod's.
profile_type(c) := t if {
	t := k8s.security_context(c).seccompProfile.type
} else := t if {
	t := k8s.pod_security_context.seccompProfile.type
} else := "unset"

deny contains res if {
	some c in k8s.containers
	t := profile_type(c)
	t != "RuntimeDefault"
	msg := sprintf("%s has seccomp profile type %s; use RuntimeDefault", [k8s.describe(c), t])
	res := result.new(msg, c)
}

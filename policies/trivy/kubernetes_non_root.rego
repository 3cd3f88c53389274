# METADATA
# title: Containers must run as a non-root user
# description: >-
#   runAsNonRoot makes the kubelet refuse to start a container whose user is
#   root, whatever the image says. It must be true on every container, either
#   set on the container or set on the pod and not overridden; runAsUser must
#   not be 0 at either level.
# scope: package
# custom:
#   id: GB-0006
#   severity: HIGH
#   recommended_action: Set securityContext.runAsNonRoot to true on the pod or on every container.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0006

import rego.v1

import data.lib.guestbook.kubernetes as k8s

# The container's setting wins over the pod's.
run_as_non_root(c) := v if {
	v := k8s.security_context(c).runAsNonRoot
} else := v if {
	v := k8s.pod_security_context.runAsNonRoot
} else := false

run_as_user(c) := v if {
	v := k8s.security_context(c).runAsUser
} else := v if {
	v := k8s.pod_security_context.runAsUser
}

deny contains res if {
	some c in k8s.containers
	run_as_non_root(c) != true
	msg := sprintf("%s does not set runAsNonRoot: true", [k8s.describe(c)])
	res := result.new(msg, c)
}

deny contains res if {
	some c in k8s.containers
	run_as_user(c) == 0
	msg := sprintf("%s runs as uid 0", [k8s.describe(c)])
	res := result.new(msg, c)
}

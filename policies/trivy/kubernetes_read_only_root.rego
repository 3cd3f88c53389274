# METADATA
# title: Containers must have a read-only root filesystem
# description: >-
#   The guestbook writes only to its data volume. A read-only root
#   filesystem stops an attacker who gains code execution from changing the
#   binary or dropping tools into the image.
# scope: package
# custom:
#   id: GB-0004
#   severity: HIGH
#   recommended_action: Set securityContext.readOnlyRootFilesystem to true on every container, and mount a volume where the app must write.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0004

import rego.v1

import data.lib.guestbook.kubernetes as k8s

deny contains res if {
	some c in k8s.containers
	not k8s.security_context(c).readOnlyRootFilesystem == true
	msg := sprintf("%s does not set securityContext.readOnlyRootFilesystem: true", [k8s.describe(c)])
	res := result.new(msg, c)
}

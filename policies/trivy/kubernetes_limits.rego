# METADATA
# title: Containers must set CPU and memory limits
# description: >-
#   Without limits, one container under load or attack can starve every other
#   pod on its node of CPU and memory. Every container and init container must
#   set resources.limits.cpu and resources.limits.memory.
# scope: package
# custom:
#   id: GB-0005
#   severity: HIGH
#   recommended_action: Set resources.limits.cpu and resources.limits.memory on every container.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0005

import rego.v1

import data.lib.guestbook.kubernetes as k8s

deny contains res if {
	some c in k8s.containers
	some resource in ["cpu", "memory"]
	limits := object.get(object.get(c, "resources", {}), "limits", {})
	not limits[resource]
	msg := sprintf("%s sets no resources.limits.%s", [k8s.describe(c), resource])
	res := result.new(msg, c)
}

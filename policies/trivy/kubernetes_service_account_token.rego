# METADATA
# title: Pods must not mount a service account token
# description: >-
#   The guestbook never calls the Kubernetes API, so a mounted token only
#   helps an attacker who gains code execution. The pod spec must set
#   automountServiceAccountToken to false, which also covers a service account
#   that enables it.
# scope: package
# custom:
#   id: GB-0010
#   severity: HIGH
#   recommended_action: Set automountServiceAccountToken to false in the pod spec.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0010

import rego.v1

import data.lib.guestbook.kubernetes as k8s

# A workload document without containers, such as a kustomize patch that
# only changes scheduling, is not a complete pod spec, so it is skipped.
deny contains res if {
	k8s.is_workload
	count(k8s.containers) > 0
	not k8s.pod_spec.automountServiceAccountToken == false
	msg := sprintf("%s %s does not set automountServiceAccountToken: false in its pod spec", [input.kind, k8s.name])
	res := result.new(msg, k8s.pod_spec)
}

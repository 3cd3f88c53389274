# METADATA
# title: The default-deny NetworkPolicy must deny all traffic
# description: >-
#   The guestbook's manifests declare a NetworkPolicy named default-deny that
#   selects every pod in the namespace and allows no ingress and no egress,
#   so that only the policies written for the guestbook open traffic. This
#   check verifies that a NetworkPolicy whose name starts with default-deny
#   selects all pods (an empty podSelector), lists both Ingress and Egress in
#   policyTypes, and has no ingress or egress rules.
# scope: package
# custom:
#   id: GB-0011
#   severity: HIGH
#   recommended_action: >-
#     Give the default-deny NetworkPolicy an empty podSelector, policyTypes
#     [Ingress, Egress] and no ingress or egress rules; open traffic in
#     separate policies.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0011

# NOTE: Trivy v0.74 evaluates each Kubernetes document on its own (the
# "combine" input option is gone), so no check here can see whether the
# manifests contain a default-deny policy at all; this one only verifies the
# policy that they declare.

import rego.v1

is_default_deny if {
	input.kind == "NetworkPolicy"
	startswith(object.get(input.metadata, "name", ""), "default-deny")
}

# selects_all_pods is true when the podSelector has no label and no
# expression. Trivy adds a "__defsec_metadata" key to every parsed object,
# so an empty matchLabels is not an empty object.
selects_all_pods if {
	selector := object.get(input.spec, "podSelector", {})
	labels := {k | some k, _ in object.get(selector, "matchLabels", {}); k != "__defsec_metadata"}
	count(labels) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}

problems contains "its podSelector selects only some pods; use podSelector: {}" if {
	is_default_deny
	not selects_all_pods
}

problems contains sprintf("policyTypes does not list %s", [t]) if {
	is_default_deny
	some t in ["Ingress", "Egress"]
	not t in object.get(input.spec, "policyTypes", [])
}

problems contains sprintf("it has %s rules, which allow traffic", [direction]) if {
	is_default_deny
	some direction in ["ingress", "egress"]
	count(object.get(input.spec, direction, [])) > 0
}

deny contains res if {
	some problem in problems
	msg := sprintf("NetworkPolicy %s is not a default deny: %s", [input.metadata.name, problem])
	res := result.new(msg, input.spec)
}

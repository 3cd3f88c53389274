# METADATA
# title: Helpers for the guestbook's Kubernetes checks
# description: Finds the pod spec and the containers of any workload kind.
# custom:
#   library: true
#   input:
#     selector:
#     - type: kubernetes
package lib.guestbook.kubernetes

import rego.v1

# Kinds whose pod template sits at spec.template.spec.
template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

is_workload if input.kind == "Pod"

is_workload if input.kind in template_kinds

is_workload if input.kind == "CronJob"

name := object.get(input.metadata, "name", "")

# pod_spec is the pod spec of the workload in input.
pod_spec := input.spec if input.kind == "Pod"

pod_spec := input.spec.template.spec if input.kind in template_kinds

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

# containers holds the containers and init containers of the workload.
containers contains c if {
	some c in pod_spec.containers
}

containers contains c if {
	some c in pod_spec.initContainers
}

# security_context returns the container's securityContext, or an empty
# object when it has none.
security_context(c) := object.get(c, "securityContext", {})

# pod_security_context is the pod-level securityContext, or an empty object.
pod_security_context := object.get(pod_spec, "securityContext", {})

# describe returns "Deployment guestbook, container app" for messages.
describe(c) := sprintf("%s %s, container %s", [input.kind, name, object.get(c, "name", "")])

# METADATA
# title: Container images must be pinned to a tag other than latest, or a digest
# description: >-
#   An image without a tag means "latest", and Kubernetes then pulls whatever
#   the registry holds at each pod start. Every container and init container
#   must name a tag other than latest, or a digest (image@sha256:...).
# scope: package
# custom:
#   id: GB-0003
#   severity: HIGH
#   recommended_action: Set the image to a release tag or a digest.
#   input:
#     selector:
#     - type: kubernetes
package user.guestbook.GB0003

import rego.v1

import data.lib.guestbook.kubernetes as k8s

# tag returns the tag of an image reference, or "" when it has none. A colon
# before the last slash belongs to a registry port.
tag(ref) := t if {
	parts := split(ref, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
} else := ""

deny contains res if {
	some c in k8s.containers
	image := object.get(c, "image", "")
	not contains(image, "@")
	tag(image) in {"", "latest"}
	msg := sprintf("%s uses image %q without a pinned tag; use a release tag or a digest", [k8s.describe(c), image])
	res := result.new(msg, c)
}

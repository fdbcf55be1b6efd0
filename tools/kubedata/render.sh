#!/bin/sh
# Render the built-in RBAC policy vendored by one kubeedge/kubeedge release tag.
#
#   tools/kubedata/render.sh KUBEEDGE_GITDIR TAG GO OUTDIR
#
# KUBEEDGE_GITDIR: a git dir of https://github.com/kubeedge/kubeedge (no work tree needed).
# TAG: e.g. v1.22.0, whose vendor/ holds k8s.io/kubernetes (see its vendor/modules.txt).
# GO: the go command to build with (the tag's go.mod names the release it needs).
# The same works for any Go module that vendors k8s.io/kubernetes's bootstrappolicy package, e.g.
# openshift/microshift release-4.16 / release-4.17 (Kubernetes 1.29 / 1.30 from openshift/kubernetes,
# carries included; kubedata/vendor.py removes them): set REPOSITORY to its URL for render.json.
# Writes OUTDIR/{*.yaml,feature-gates.json,render.json}. Builds offline: vendor mode, no proxy,
# no toolchain download. If GO is older than the go.mod's patch-level `go` line (same minor),
# that line is lowered to GO's version in the scratch copy and render.json records it.
set -eu
gitdir=$1 tag=$2 go=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
policy=vendor/k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy
work=$(mktemp -d "${TMPDIR:-/var/tmp}/kubedata-render.XXXXXX")
trap 'rm -rf "$work"' EXIT
commit=$(git -C "$gitdir" rev-parse "$tag^{commit}")
# A partial clone may lack some large blobs (e.g. vendored C sources): leave those files out and
# record them; the build fails if the policy needed one. (git archive still prints "invalid
# object" for them.)
git -C "$gitdir" ls-tree -r "$commit" go.mod go.sum vendor > "$work/tree"
awk '{print $3}' "$work/tree" | git -C "$gitdir" cat-file --batch-check='%(objectname) %(objecttype)' > "$work/types"
absent=$(paste -d ' ' "$work/types" "$work/tree" | awk '$2 == "missing" {print $6}')
# (No exclude pathspec when nothing is absent: an empty ':(exclude)' matches nothing and git refuses it.)
excludes=""
for path in $absent; do excludes="$excludes :(exclude)$path"; done
# shellcheck disable=SC2086
git -C "$gitdir" archive "$commit" go.mod go.sum vendor $excludes | tar -x -C "$work"
gover=$("$go" env GOVERSION | sed 's/^go//')
# go.mod's and vendor/modules.txt's `go` lines of GO's minor but a later patch are lowered to GO's
# release (the language is a minor's; the patch level only picks a toolchain, which may not be
# downloaded here).
edited=""
for want in $(grep -ho 'go 1\.[0-9]*\.[0-9]*$' "$work/go.mod" "$work/vendor/modules.txt" | sed 's/go //' | sort -uV); do
    lowest=$(printf '%s\n%s\n' "$want" "$gover" | sort -V | head -n 1)
    if [ "$lowest" != "$want" ] && [ "${want%.*}" = "${gover%.*}" ]; then
        sed -i "s/^go $want\$/go $gover/" "$work/go.mod"
        sed -i "s/; go $want\$/; go $gover/" "$work/vendor/modules.txt"
        edited="${edited:+$edited, }go $want lowered to $gover in go.mod and vendor/modules.txt"
    fi
done
mkdir -p "$work/hack/eksaccessrender" "$out"
cp "$here/render/main.go" "$work/hack/eksaccessrender/main.go"
# The feature gates the policy consults (features.X / genericfeatures.X in the Go source).
gates=$(grep -ho 'Enabled(\(generic\)\{0,1\}features\.[A-Za-z]*)' "$work/$policy"/*.go \
        | sed 's/.*\.//; s/)//' | sort -u)
(cd "$work" && GOFLAGS=-mod=vendor GOTOOLCHAIN=local GOPROXY=off GOWORK=off CGO_ENABLED=0 \
    nice -n 10 "$go" build -o "$work/render" ./hack/eksaccessrender)
# shellcheck disable=SC2086
"$work/render" "$out" $gates
kube=$(grep '^# k8s.io/kubernetes ' "$work/vendor/modules.txt" | head -n 1)
sums=$(cd "$work/$policy" && sha256sum ./*.go | sed 's|  \./|  |')
outsums=$(cd "$out" && sha256sum ./*.yaml feature-gates.json | sed 's|  \./|  |')
python3 - "$out/render.json" "${REPOSITORY:-https://github.com/kubeedge/kubeedge}" "$tag" "$commit" "$kube" "$("$go" env GOVERSION)" "$edited" "$sums" "$absent" "$outsums" <<'PY'
import json, sys
path, repository, tag, commit, kube, gover, edited, sums, absent, outsums = sys.argv[1:]
def digests(text):
    return {name: digest for digest, name in (line.split("  ") for line in text.splitlines())}
doc = {"repository": repository, "tag": tag, "commit": commit,
       "modulesTxt": kube, "go": gover, "goModEdit": edited or None, "absentFromClone": absent.split(),
       "policySource": digests(sums), "files": digests(outsums)}
open(path, "w").write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
PY

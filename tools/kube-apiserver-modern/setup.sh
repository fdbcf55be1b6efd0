#!/usr/bin/env bash
# Build a real Kubernetes control plane of a modern release (kube-apiserver and
# kube-controller-manager v1.34.9, or v1.36.3 / v1.35.6 / v1.33.13 / v1.30.14 / v1.29.14 with KUBE_MINOR) offline, from the
# openshift/kubernetes tree that openshift/microshift vendors under deps/github.com/openshift/kubernetes/
# (the same trees components/eks_access/kubedata/vendor.py takes the 1.31-1.36 built-in data from).
# The tree vendors every Go module, so it builds with -mod=vendor and no module proxy.
#
# It is an OPENSHIFT build: its bootstrap RBAC holds the carries that kubedata/vendor.py CARRIES
# removes from our data (system:openshift:public-info-viewer, ...). tests/e2e knows them and
# expects them on this server (tests/e2e/openshift.py); see tools/kube-apiserver-modern/README.md.
#
# Go: 1.29/1.30 need Go 1.21/1.22 (bookworm-backports' /usr/lib/go-1.22 does). 1.33/1.34's go.mod needs Go 1.24,
# 1.35's Go 1.25, 1.36's Go 1.26; Debian bookworm (even bookworm-backports) stops at 1.23, so
# the script takes Debian trixie's (1.25, 1.26: trixie-backports') golang-1.N-go/-src .debs with apt-get download through a
# PRIVATE apt state under $ROOT/apt (the machine's sources and installed packages are untouched)
# and unpacks them into $ROOT/go with dpkg-deb -x. A go already on PATH or in /usr/lib/go-1.N that
# is new enough is used instead.
#
# Source: a git directory of openshift/microshift (MICROSHIFT_GITDIR, default the `fetch` mirror
# /work/.mirror/openshift+microshift/repo; elsewhere `git clone --bare` of the repository).
#
# Idempotent: every step is skipped when its output exists. Everything lives under
# /var/tmp/kube-assets-<minor> (KUBE_ASSETS_ROOT overrides): src/ (the tree), go/, apt/, home/, bin/;
# the Go build cache, shared by the releases (-trimpath), in /var/tmp/kube-assets-modern-gocache
# (KUBE_GOCACHE overrides). etcd is Debian's etcd-server (as in ../shared/tools/kube-apiserver/setup.sh).
#
# Usage: bash tools/kube-apiserver-modern/setup.sh        (KUBE_MINOR=1.36, 1.35, 1.33, 1.30 or 1.29 for those)
# Its last line prints `export KUBEBUILDER_ASSETS_1_34=...` for `make e2e`.
set -euo pipefail

MINOR="${KUBE_MINOR:-1.34}"
# KTREE: where the branch holds the openshift/kubernetes tree. MicroShift 4.20+ carries the whole
# tree under deps/; 4.16 and 4.17 only Go-vendor it (vendor/k8s.io/kubernetes, the packages
# MicroShift links in-process: cmd/kube-apiserver/app, cmd/kube-controller-manager/app, ...), so
# for those the MicroShift module itself (go.mod, go.sum, vendor/) is the tree and a two-line main
# per command (written below) calls the vendored app.New...Command, as upstream's cmd/*/ main does.
case "$MINOR" in
  1.36) BRANCH=release-4.23; KTREE=deps/github.com/openshift/kubernetes ;;  # Makefile.kube_git.var: v1.36.3
  1.35) BRANCH=release-4.22; KTREE=deps/github.com/openshift/kubernetes ;;  # v1.35.6
  1.34) BRANCH=release-4.21; KTREE=deps/github.com/openshift/kubernetes ;;  # Makefile.kube_git.var: v1.34.9
  1.33) BRANCH=release-4.20; KTREE=deps/github.com/openshift/kubernetes ;;  # v1.33.13
  1.30) BRANCH=release-4.17; KTREE=module ;;                                # v1.30.14
  1.29) BRANCH=release-4.16; KTREE=module ;;                                # v1.29.14
  *) echo "KUBE_MINOR=$MINOR: only 1.36, 1.35, 1.34, 1.33, 1.30 and 1.29 are known" >&2; exit 2 ;;
esac
ROOT="${KUBE_ASSETS_ROOT:-/var/tmp/kube-assets-$MINOR}"
GITDIR="${MICROSHIFT_GITDIR:-/work/.mirror/openshift+microshift/repo}"
BIN="$ROOT/bin"
TREE="$ROOT/src/kubernetes-$BRANCH"
mkdir -p "$BIN" "$ROOT/src" "$ROOT/home"
log() { printf '[kube-assets-%s %s] %s\n' "$MINOR" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------- 1. the tree
[ -d "$GITDIR" ] || die "$GITDIR: no openshift/microshift git directory (set MICROSHIFT_GITDIR)"
COMMIT=$(git -C "$GITDIR" rev-parse --verify "$BRANCH^{commit}" 2>/dev/null) \
  || die "$GITDIR has no branch $BRANCH"
VARS=$(git -C "$GITDIR" show "$COMMIT:Makefile.kube_git.var")
var() { printf '%s\n' "$VARS" | sed -n "s/^$1=//p"; }
KVER=$(var KUBE_GIT_VERSION); KCOMMIT=$(var KUBE_GIT_COMMIT)
case "$KVER" in v"$MINOR".*) ;; *) die "$BRANCH Makefile.kube_git.var says $KVER, not $MINOR" ;; esac
STAMP="$COMMIT $KVER"

if [ "$(cat "$TREE/.kube-assets-extracted" 2>/dev/null)" != "$STAMP" ]; then
  # The fetch mirror lacks a few large blobs, and git archive stops at a missing one (tar then
  # reads a cut archive). Allow only test data to be missing, say which, and leave it out.
  if [ "$KTREE" = module ]; then PATHS=(go.mod go.sum vendor); else PATHS=("$KTREE"); fi
  git -C "$GITDIR" ls-tree -r "$COMMIT" -- "${PATHS[@]}" | awk '$2=="blob"{print $3" "$4}' > "$ROOT/src/blobs.txt"
  excludes=()
  while read -r blob _; do
    path=$(awk -v b="$blob" '$1==b{print $2}' "$ROOT/src/blobs.txt")
    case "$path" in
      */testdata/*|*/artifacts/*) log "absent from $GITDIR (test data, not built): $path"
                                  excludes+=(":(exclude)$path") ;;
      # Only the in-tree GCE cloud provider imports these; the build's providerless tag (MicroShift's
      # Makefile GO_BUILD_FLAGS has it too) leaves that provider out.
      vendor/google.golang.org/api/compute/*)
        [ "$KTREE" = module ] || die "absent from $GITDIR and needed: $path"
        log "absent from $GITDIR (GCE provider only, not built with providerless): $path"
        excludes+=(":(exclude)$path") ;;
      *) die "absent from $GITDIR and needed: $path" ;;
    esac
  done < <(cut -d' ' -f1 "$ROOT/src/blobs.txt" | git -C "$GITDIR" cat-file --batch-check | awk '$2=="missing"')
  log "git archive $BRANCH ($COMMIT) $KTREE -> $TREE"
  rm -rf "$TREE" "$ROOT/src/.extract"
  mkdir -p "$ROOT/src/.extract"
  git -C "$GITDIR" archive --format=tar "$COMMIT" -- "${PATHS[@]}" "${excludes[@]}" | tar -x -C "$ROOT/src/.extract"
  if [ "$KTREE" = module ]; then mv "$ROOT/src/.extract" "$TREE"; mkdir -p "$ROOT/src/.extract"
  else mv "$ROOT/src/.extract/$KTREE" "$TREE"; fi
  rm -rf "$ROOT/src/.extract"
  want=$(( $(wc -l < "$ROOT/src/blobs.txt") - ${#excludes[@]} ))
  got=$(find "$TREE" -type f -o -type l | wc -l)
  [ "$got" = "$want" ] || die "$TREE holds $got files, $BRANCH has $want (besides absent test data)"
  [ -f "$TREE/vendor/modules.txt" ] || die "$TREE has no vendor/modules.txt: cannot build offline"
  printf '%s' "$STAMP" > "$TREE/.kube-assets-extracted"
fi
if [ "$KTREE" = module ]; then
  # The vendored k8s.io/kubernetes must be the commit Makefile.kube_git.var names.
  grep -q "^# k8s.io/kubernetes .* => github.com/openshift/kubernetes v0.0.0-[0-9]*-${KCOMMIT:0:12}\$" "$TREE/vendor/modules.txt" \
    || die "$TREE/vendor/modules.txt does not vendor openshift/kubernetes ${KCOMMIT:0:12}"
  for cmd in kube-apiserver kube-controller-manager; do
    case $cmd in kube-apiserver) fn=NewAPIServerCommand ;; *) fn=NewControllerManagerCommand ;; esac
    mkdir -p "$TREE/kube-assets-cmd/$cmd"
    printf '%s\n' "// Written by eks-access tools/kube-apiserver-modern/setup.sh: $cmd from the vendored tree." \
      'package main' '' 'import (' '	"os"' '' '	"k8s.io/component-base/cli"' \
      "	\"k8s.io/kubernetes/cmd/$cmd/app\"" ')' '' "func main() { os.Exit(cli.Run(app.$fn())) }" \
      > "$TREE/kube-assets-cmd/$cmd/main.go"
  done
fi
GOMOD_MINOR=$(sed -n 's/^go 1\.\([0-9]*\).*/\1/p' "$TREE/go.mod")
log "tree: $TREE ($KVER, openshift/kubernetes $KCOMMIT; go.mod needs go 1.$GOMOD_MINOR)"

# ---------------------------------------------------------------- 2. Go >= go.mod's
go_minor() { "$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p'; }
GO=""
for cand in "$(command -v go || true)" /usr/lib/go-1.*/bin/go "$ROOT"/go/usr/lib/go-1.*/bin/go; do
  [ -x "$cand" ] || continue
  m=$(GOTOOLCHAIN=local go_minor "$cand"); [ -n "$m" ] && [ "$m" -ge "$GOMOD_MINOR" ] && { GO="$cand"; break; }
done
if [ -z "$GO" ]; then
  PKG="golang-1.$GOMOD_MINOR"
  A="$ROOT/apt"
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs"
  # trixie-backports: 1.35's go.mod needs go 1.25 and 1.36's go 1.26, which Debian ships for trixie
  # only there (golang-1.25-go 1.25.12-1~bpo13+1, golang-1.26-go 1.26.11-1~bpo13+1); a package found
  # only in backports is apt's candidate, so `apt-get download` takes it without a pin.
  cat > "$A/trixie.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  APTO=(-o "Dir::Etc::SourceList=$A/trixie.sources" -o Dir::Etc::SourceParts=/nonexistent
        -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
  # Offline after the first run: .debs already downloaded are unpacked again without apt.
  if ! ls "$A"/debs/"$PKG"-go_*.deb "$A"/debs/"$PKG"-src_*.deb >/dev/null 2>&1; then
    log "apt-get download $PKG-go $PKG-src from Debian trixie/trixie-backports (private apt state $A)"
    apt-get "${APTO[@]}" update -q >"$A/update.log" 2>&1 || { cat "$A/update.log" >&2; exit 1; }
    (cd "$A/debs" && apt-get "${APTO[@]}" download "$PKG-go" "$PKG-src" >"$A/download.log" 2>&1) \
      || { cat "$A/download.log" >&2; exit 1; }
  fi
  for deb in "$A"/debs/"$PKG"-*.deb; do dpkg-deb -x "$deb" "$ROOT/go"; done
  GO="$ROOT/go/usr/lib/go-1.$GOMOD_MINOR/bin/go"
  [ -x "$GO" ] || die "$GO not found after unpacking $PKG"
fi
export PATH="$(dirname "$GO"):$PATH" GOROOT="$(dirname "$(dirname "$GO")")"
export GOCACHE="${KUBE_GOCACHE:-/var/tmp/kube-assets-modern-gocache}" GOPATH="$ROOT/home/go" HOME="$ROOT/home" GOFLAGS=-mod=vendor \
       GOTOOLCHAIN=local GOPROXY=off CGO_ENABLED=0
log "go: $GO ($(go env GOVERSION))"

# ---------------------------------------------------------------- 3. build
# The version variables hack/lib/version.sh sets (kube::version::ldflags), from Makefile.kube_git.var.
LDFLAGS="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  LDFLAGS="$LDFLAGS -X $pkg.gitVersion=$KVER -X $pkg.gitMajor=1 -X $pkg.gitMinor=${MINOR#1.}"
  LDFLAGS="$LDFLAGS -X $pkg.gitCommit=$KCOMMIT -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
for cmd in kube-apiserver kube-controller-manager; do
  stamp="$BIN/.$cmd.built-from"
  if [ -x "$BIN/$cmd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$STAMP" ]; then
    continue
  fi
  if [ "$KTREE" = module ]; then pkg="./kube-assets-cmd/$cmd"; else pkg="./cmd/$cmd"; fi
  log "go build $pkg (nice -n 10; kube-apiserver 7-12 min the first time on 2 cores)"
  (cd "$TREE" && nice -n 10 go build -trimpath -tags providerless -ldflags "$LDFLAGS" -o "$BIN/$cmd.tmp" "$pkg")
  mv "$BIN/$cmd.tmp" "$BIN/$cmd"
  printf '%s' "$STAMP" > "$stamp"
done

# ---------------------------------------------------------------- 4. etcd
if ! command -v etcd >/dev/null; then
  log "apt-get install etcd-server"
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends etcd-server >/dev/null
fi
ln -sfn "$(command -v etcd)" "$BIN/etcd"

# ---------------------------------------------------------------- 5. report
log "done in $(( $(date +%s) - t0 ))s"
echo "kube-apiserver:          $BIN/kube-apiserver   ($("$BIN/kube-apiserver" --version))"
echo "kube-controller-manager: $BIN/kube-controller-manager   ($("$BIN/kube-controller-manager" --version))"
echo "etcd:                    $(command -v etcd)   ($(etcd --version | head -1))"
echo "go:                      $GO ($(go env GOVERSION))"
echo "source tree:             $TREE (microshift $BRANCH $COMMIT)"
echo "export KUBEBUILDER_ASSETS_${MINOR/./_}=$BIN"

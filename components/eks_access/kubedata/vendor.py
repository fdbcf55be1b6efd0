"""Vendor one Kubernetes release's built-in RBAC and discovery from an openshift/microshift git dir.

``python -m eks_access.kubedata.vendor GITDIR 1.34 [...]`` reads the release branch of each
version (:data:`RELEASES`) with ``git show`` (no work tree needed), removes OpenShift's carry
patches (:data:`CARRIES`), writes ``data/<version>/`` and prints the ``index.json`` entry.

MicroShift vendors the whole openshift/kubernetes tree under ``deps/github.com/openshift/
kubernetes/``: the bootstrap-policy golden files (``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
testdata/``, kept equal to the Go policy by that package's ``TestBootstrap*`` tests) and the
discovery documents (``api/discovery/``, written by ``hack/update-openapi-spec.sh`` with every API
version turned on). The YAML is edited as text, item by item, so every byte not belonging to a carry
stays as the tree has it; each edit is checked against the same edit made on the parsed objects.
Development tool only: nothing at run time imports it.

Kubernetes 1.29 and 1.30 (MicroShift 4.16, 4.17) have no such tree: those branches Go-vendor
openshift/kubernetes under ``vendor/k8s.io/kubernetes/`` (packages only: no golden files, no
``api/discovery/``). ``python -m eks_access.kubedata.vendor --rendered GITDIR MINOR RENDER_DIR
DISCOVERY_JSON`` takes the six golden files as ``tools/kubedata/render.sh`` renders that vendored
Go policy (the same bytes the golden tests would write), removes the same kind of carries, and
filters a live server's discovery (``tests/e2e/discovery.py``, kube-apiserver built from the same
branch by ``tools/kube-apiserver-modern/setup.sh``) to the group versions the vendored
``pkg/controlplane/instance.go`` enables by default.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eks_access.kubedata.resources import api_resource_list, preferred_group_versions
from eks_access.kubedata.versions import minor_key

REPOSITORY = "https://github.com/openshift/microshift"
KUBE_TREE = "deps/github.com/openshift/kubernetes/"
TESTDATA = KUBE_TREE + "plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/"
DISCOVERY = KUBE_TREE + "api/discovery/"
CONTROLPLANE = KUBE_TREE + "pkg/controlplane/instance.go"
VERSION_FILE = "Makefile.kube_git.var"
YAML_FILES = (
    "cluster-roles.yaml", "cluster-role-bindings.yaml", "controller-roles.yaml",
    "controller-role-bindings.yaml", "namespace-roles.yaml", "namespace-role-bindings.yaml",
)  # fmt: skip
API_RESOURCES_FILE = "api-resources.json"

#: Kubernetes minor -> (MicroShift release branch, the KUBE_GIT_VERSION that branch must carry).
RELEASES: Mapping[str, tuple[str, str]] = {
    "1.31": ("release-4.18", "v1.31.14"),
    "1.32": ("release-4.19", "v1.32.13"),
    "1.33": ("release-4.20", "v1.33.13"),
    "1.34": ("release-4.21", "v1.34.9"),
    "1.35": ("release-4.22", "v1.35.6"),
    "1.36": ("release-4.23", "v1.36.3"),
}
#: The same for the releases taken from a render of the Go-vendored policy and a live server.
RENDERED_RELEASES: Mapping[str, tuple[str, str]] = {
    "1.29": ("release-4.16", "v1.29.14"),
    "1.30": ("release-4.17", "v1.30.14"),
}
VENDORED_TREE = "vendor/k8s.io/kubernetes/"


@dataclass(frozen=True)
class Carry:
    """One OpenShift change to upstream's bootstrap policy, and how to take it out again.

    ``rule`` set: drop that rule (matched on apiGroups + resources, and resourceNames = ``names``,
    none by default) from the item; with ``resource`` also set, drop only that resource from the
    rule. Neither: drop the whole item.
    """

    file: str
    name: str
    why: str
    rule: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    resource: str | None = None
    names: tuple[str, ...] = ()

    def describe(self) -> str:
        what = f"{self.file} {self.name}"
        if self.rule is None:
            return f"{what}: removed ({self.why})"
        groups, resources = self.rule
        spelled = f"apiGroups={list(groups)} resources={list(resources)}"
        if self.names:
            spelled += f" resourceNames={list(self.names)}"
        if self.resource is not None:
            return f"{what}: resource {self.resource!r} removed from rule {spelled} ({self.why})"
        return f"{what}: rule {spelled} removed ({self.why})"


_PUBLIC_INFO = "OpenShift's own discovery role, openshift/kubernetes policy.go; upstream has system:public-info-viewer only"
_SERVICE_CA = ("OpenShift's service-ca.crt ConfigMap publisher, openshift/kubernetes controller_policy.go; "
               "upstream has root-ca-cert-publisher only")  # fmt: skip
_RESTRICTED = ("OpenShift's EndpointSlice restriction admission; upstream's controller roles grant "
               "endpointslices/restricted nowhere (kubernetes/kubernetes master testdata/controller-roles.yaml)")  # fmt: skip
_EDIT_ENDPOINTS = ("upstream removed endpoints write from system:aggregate-to-edit in 1.22 "
                   "(kubernetes/kubernetes#103704, CVE-2021-25740); OpenShift keeps it until 4.21")  # fmt: skip
_SCHEDULER_VA = ("OpenShift backport of kubernetes/kubernetes#127757 (kube-scheduler reads volumeattachments), "
                 "upstream from 1.32 only")  # fmt: skip

_SELINUX = ("OpenShift's SELinux conflicts reporter (openshift/kubernetes pkg/controller/volume/selinuxwarning/"
            "openshift_upgrade_controller.go, writes ConfigMap openshift-config/selinux-conflicts); upstream's "
            "selinux-warning-controller creates no ConfigMap (kubernetes/kubernetes testdata/controller-roles.yaml at "
            "008b3652959ca58af8be3fb5b6ecfe9ae7638282)")  # fmt: skip

_COMMON = (
    Carry("cluster-roles.yaml", "system:openshift:public-info-viewer", _PUBLIC_INFO),
    Carry("cluster-role-bindings.yaml", "system:openshift:public-info-viewer", _PUBLIC_INFO),
    Carry("controller-roles.yaml", "system:controller:service-ca-cert-publisher", _SERVICE_CA),
    Carry("controller-role-bindings.yaml", "system:controller:service-ca-cert-publisher", _SERVICE_CA),
    Carry("controller-roles.yaml", "system:controller:endpointslice-controller", _RESTRICTED,
          rule=(("discovery.k8s.io",), ("endpointslices/restricted",))),
    Carry("controller-roles.yaml", "system:controller:endpointslicemirroring-controller", _RESTRICTED,
          rule=(("discovery.k8s.io",), ("endpointslices/restricted",))),
)  # fmt: skip
_EDIT = Carry("cluster-roles.yaml", "system:aggregate-to-edit", _EDIT_ENDPOINTS, rule=(("",), (
    "configmaps", "endpoints", "events", "persistentvolumeclaims", "replicationcontrollers",
    "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy",
)), resource="endpoints")  # fmt: skip
_SCHEDULER = Carry("cluster-roles.yaml", "system:kube-scheduler", _SCHEDULER_VA,
                   rule=(("storage.k8s.io",), ("volumeattachments",)))  # fmt: skip

#: New in 1.36 (MicroShift 5.0, release-4.23): two rules of system:controller:selinux-warning-controller.
_SELINUX_REPORTER = (
    Carry("controller-roles.yaml", "system:controller:selinux-warning-controller", _SELINUX,
          rule=(("",), ("configmaps",))),
    Carry("controller-roles.yaml", "system:controller:selinux-warning-controller", _SELINUX,
          rule=(("",), ("configmaps",)), names=("selinux-conflicts",)),
)  # fmt: skip

#: Per minor version, every carry the branch's golden files hold (each must match exactly once).
CARRIES: Mapping[str, tuple[Carry, ...]] = {
    "1.29": (*_COMMON, _EDIT, _SCHEDULER),
    "1.30": (*_COMMON, _EDIT, _SCHEDULER),
    "1.31": (*_COMMON, _EDIT, _SCHEDULER),
    "1.32": (*_COMMON, _EDIT),
    "1.33": (*_COMMON, _EDIT),
    "1.34": _COMMON,
    "1.35": _COMMON,
    "1.36": (*_COMMON, *_SELINUX_REPORTER),
}


class VendorError(Exception):
    """The tree does not look like the release it should be (nothing is written)."""


def git_show(gitdir: Path, rev: str, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(gitdir), "show", f"{rev}:{path}"],
                          check=True, capture_output=True).stdout  # fmt: skip


def rev_parse(gitdir: Path, rev: str) -> str:
    out = subprocess.run(["git", "-C", str(gitdir), "rev-parse", f"{rev}^{{commit}}"],
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    return out.strip()


def version_evidence(text: str) -> dict[str, str]:
    """``KEY=value`` lines of ``Makefile.kube_git.var``."""
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


# --- YAML items as text ---------------------------------------------------------------------

_ITEM = "- apiVersion: "


def split_items(text: str) -> tuple[str, list[str], str]:
    """(head, item texts, tail) of a golden ``kind: List`` file; items are ``- apiVersion:`` blocks."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(_ITEM)]
    if not starts:
        return text, [], ""
    end = next(i for i in range(starts[-1] + 1, len(lines) + 1) if i == len(lines) or not lines[i].startswith(" "))
    bounds = [*starts, end]
    items = ["".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]
    return "".join(lines[: starts[0]]), items, "".join(lines[end:])


def item_name(item: str) -> str:
    m = re.search(r"^    name: (.+)$", item, re.MULTILINE)
    if m is None:
        raise VendorError(f"item without metadata.name: {item[:80]!r}")
    return m.group(1).strip()


def _rules_span(lines: list[str]) -> tuple[int, int]:
    start = lines.index("  rules:\n") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith(("  - ", "    "))), len(lines))
    return start, end


def _split_rules(item: str) -> tuple[list[str], list[list[str]], list[str]]:
    lines = item.splitlines(keepends=True)
    start, end = _rules_span(lines)
    rules: list[list[str]] = []
    for line in lines[start:end]:
        if line.startswith("  - "):
            rules.append([])
        rules[-1].append(line)
    return lines[:start], rules, lines[end:]


def _matches(rule: Mapping[str, Any], carry: Carry) -> bool:
    """Is ``rule`` (a parsed PolicyRule) the one ``carry`` names?"""
    assert carry.rule is not None
    spelled = (tuple(rule.get("apiGroups") or ()), tuple(rule.get("resources") or ()))
    return spelled == carry.rule and tuple(rule.get("resourceNames") or ()) == carry.names


def _rule_matches(rule_text: list[str], carry: Carry) -> bool:
    return _matches(yaml.safe_load("".join(line[2:] for line in rule_text))[0], carry)


def _edit_rule(item: str, carry: Carry) -> str:
    assert carry.rule is not None
    head, rules, tail = _split_rules(item)
    hits = [i for i, r in enumerate(rules) if _rule_matches(r, carry)]
    if len(hits) != 1:
        raise VendorError(f"{carry.describe()}: matched {len(hits)} rules, expected 1")
    if carry.resource is None:
        del rules[hits[0]]
    else:
        target = f"    - {carry.resource}\n"
        if rules[hits[0]].count(target) != 1:
            raise VendorError(f"{carry.describe()}: resource line not found once")
        rules[hits[0]].remove(target)
    return "".join(head) + "".join("".join(r) for r in rules) + "".join(tail)


def remove_carries(text: str, carries: Sequence[Carry]) -> str:
    """``text`` without ``carries`` (all of one file); each must match exactly one item."""
    head, items, tail = split_items(text)
    for carry in carries:
        hits = [i for i, it in enumerate(items) if item_name(it) == carry.name]
        if len(hits) != 1:
            raise VendorError(f"{carry.describe()}: matched {len(hits)} items, expected 1")
        if carry.rule is None:
            del items[hits[0]]
        else:
            items[hits[0]] = _edit_rule(items[hits[0]], carry)
    return head + "".join(items) + tail


def remove_carries_parsed(doc: dict[str, Any], carries: Sequence[Carry]) -> dict[str, Any]:
    """The same edit as :func:`remove_carries` on parsed objects: the check of the text edit."""
    items = list(doc.get("items") or [])
    for carry in carries:
        (idx,) = [i for i, it in enumerate(items) if it["metadata"]["name"] == carry.name]
        if carry.rule is None:
            del items[idx]
            continue
        rules = items[idx]["rules"]
        (r,) = [r for r in rules if _matches(r, carry)]
        if carry.resource is None:
            rules.remove(r)
        else:
            r["resources"].remove(carry.resource)
    return {**doc, "items": items}


def vendor_yaml(raw: str, carries: Sequence[Carry]) -> str:
    edited = remove_carries(raw, carries)
    if yaml.safe_load(edited) != remove_carries_parsed(yaml.safe_load(raw), carries):
        raise VendorError("the text edit and the parsed edit disagree")
    return edited


# --- discovery ------------------------------------------------------------------------------

_GO_IMPORT = re.compile(r'^\s*(\w+)\s+"k8s\.io/(?:api|kubernetes/pkg/apis)/([a-z]+)/(v[0-9a-z]+)"', re.MULTILINE)
#: 1.36 splits the list in two: ``genericStableAPIGroupVersionsEnabledByDefault`` (the groups of the
#: generic control plane's GenericStorageProviders: core, rbac, events, ...) and the kube-apiserver-only
#: ``stableAPIGroupVersionsEnabledByDefault``; both are enabled (instance.go DefaultAPIResourceConfigSource).
_STABLE_LIST = re.compile(r"\b(?:genericStable|stable)APIGroupVersionsEnabledByDefault = \[\]schema\.GroupVersion\{(.*?)\}",
                          re.DOTALL)
_LEGACY_BETA = re.compile(r"legacyBetaEnabledByDefaultResources = \[\]schema\.GroupVersionResource\{(.*?)\n\t\}", re.DOTALL)
#: Groups served by kube-apiserver's extension and aggregation servers, whose v1 is on by default
#: (k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator DefaultAPIResourceConfigSource).
_EXTENSION_GROUPS = {("apiextensions.k8s.io", "v1"), ("apiregistration.k8s.io", "v1")}


def default_group_versions(instance_go: str) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """(package, version) of ``stableAPIGroupVersionsEnabledByDefault`` and (package, version,
    resource) of ``legacyBetaEnabledByDefaultResources`` in ``pkg/controlplane/instance.go``; the
    package is the directory under k8s.io/api or k8s.io/kubernetes/pkg/apis (``core``, ``apps``...)."""
    aliases = {alias: (pkg, ver) for alias, pkg, ver in _GO_IMPORT.findall(instance_go)}
    lists = _STABLE_LIST.findall(instance_go)
    if not lists:
        raise VendorError("stableAPIGroupVersionsEnabledByDefault not found")
    stable = {aliases[a] for body in lists for a in re.findall(r"(\w+)\.SchemeGroupVersion", body)}
    legacy_m = _LEGACY_BETA.search(instance_go)
    legacy = set()
    if legacy_m is not None:
        for alias, res in re.findall(r'(\w+)\.SchemeGroupVersion\.WithResource\("([a-z]+)"\)', legacy_m.group(1)):
            legacy.add((*aliases[alias], res))
    return stable, legacy


def _package(group: str) -> str:
    """k8s.io/api's directory of an API group: ``core`` for ``""``, else the first DNS label."""
    return group.split(".")[0] if group else "core"


def discover(documents: Callable[[str], Any], instance_go: str) -> list[dict[str, Any]]:
    """The api-resources list of the default-enabled group versions, in tests/e2e/discovery.py's
    shape: every resource once (first version its group prefers that serves it)."""
    stable, legacy = default_group_versions(instance_go)

    def resources_of(group: str, version: str) -> Any:
        return documents(f"api__{version}.json" if not group else f"apis__{group}__{version}.json")["resources"]

    def keep(group: str, version: str, name: str) -> bool:
        on = (_package(group), version) in stable or (group, version) in _EXTENSION_GROUPS
        return on or (_package(group), version, name) in legacy

    return api_resource_list(preferred_group_versions(documents("api.json"), documents("apis.json")), resources_of, keep)


# --- one release ----------------------------------------------------------------------------


def vendor(gitdir: Path, minor: str) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The files of ``data/<minor>/`` (name -> bytes, bootstrap.json excluded) and the index entry."""
    branch, want = RELEASES[minor]
    commit = rev_parse(gitdir, branch)
    evidence = version_evidence(git_show(gitdir, commit, VERSION_FILE).decode())
    if evidence.get("KUBE_GIT_VERSION") != want:
        raise VendorError(f"{branch}: KUBE_GIT_VERSION is {evidence.get('KUBE_GIT_VERSION')!r}, expected {want!r}")
    files: dict[str, bytes] = {}
    for name in YAML_FILES:
        raw = git_show(gitdir, commit, TESTDATA + name).decode()
        carries = [c for c in CARRIES[minor] if c.file == name]
        files[name] = vendor_yaml(raw, carries).encode()

    def documents(name: str) -> Any:
        return json.loads(git_show(gitdir, commit, DISCOVERY + name))

    instance_go = git_show(gitdir, commit, CONTROLPLANE).decode()
    source = (f"{DISCOVERY} of {REPOSITORY} {branch} ({commit}), Kubernetes {want}, the group "
              f"versions enabled by default in {CONTROLPLANE} (kubedata/vendor.py)")  # fmt: skip
    files[API_RESOURCES_FILE] = _api_resources({"source": source, "resources": discover(documents, instance_go)})
    return files, _entry(minor, branch, want, commit, evidence, TESTDATA, source, files)


def filter_live(doc: Mapping[str, Any], instance_go: str) -> list[dict[str, Any]]:
    """The entries of a live server's discovery (tests/e2e/discovery.py) whose group version (or,
    for legacy beta, resource) ``instance_go`` enables by default: what upstream serves unconfigured."""
    stable, legacy = default_group_versions(instance_go)

    def keep(r: Mapping[str, Any]) -> bool:
        group, version = r["group"], r["version"]
        on = (_package(group), version) in stable or (group, version) in _EXTENSION_GROUPS
        return on or (_package(group), version, r["name"]) in legacy

    return [dict(r) for r in doc["resources"] if keep(r)]


def vendor_rendered(gitdir: Path, minor: str, render_dir: Path, live: Path) -> tuple[dict[str, bytes], dict[str, Any]]:
    """:func:`vendor` for a release whose policy is a render.sh output and whose discovery is live."""
    branch, want = RENDERED_RELEASES[minor]
    commit = rev_parse(gitdir, branch)
    evidence = version_evidence(git_show(gitdir, commit, VERSION_FILE).decode())
    record = json.loads((render_dir / "render.json").read_text(encoding="utf-8"))
    live_doc = json.loads(live.read_text(encoding="utf-8"))
    served = re.search(r"kube-apiserver (v\S+) ", live_doc["source"])
    checks = {"KUBE_GIT_VERSION": (evidence.get("KUBE_GIT_VERSION"), want), "render commit": (record["commit"], commit),
              "live server": (served and served.group(1), want)}  # fmt: skip
    for what, (got, expected) in checks.items():
        if got != expected:
            raise VendorError(f"{branch}: {what} is {got!r}, expected {expected!r}")
    files = {name: vendor_yaml((render_dir / name).read_text(encoding="utf-8"),
                               [c for c in CARRIES[minor] if c.file == name]).encode() for name in YAML_FILES}  # fmt: skip
    instance = VENDORED_TREE + "pkg/controlplane/instance.go"
    source = (f"{live_doc['source']}, built from {REPOSITORY} {branch} ({commit}) by "
              f"tools/kube-apiserver-modern/setup.sh; the group versions enabled by default in {instance}")  # fmt: skip
    doc = {"source": source, "resources": filter_live(live_doc, git_show(gitdir, commit, instance).decode())}
    files[API_RESOURCES_FILE] = _api_resources(doc)
    path = (f"{VENDORED_TREE}plugin/pkg/auth/authorizer/rbac/bootstrappolicy/ rendered by "
            f"tools/kubedata/render.sh with {record['go']} ({record['modulesTxt']})")
    return files, _entry(minor, branch, want, commit, evidence, path, source, files)


def _api_resources(doc: Mapping[str, Any]) -> bytes:
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def _entry(minor: str, branch: str, want: str, commit: str, evidence: Mapping[str, str], path: str,
           api_resources: str, files: Mapping[str, bytes]) -> dict[str, Any]:
    """The index entry of one release: where its files come from, what was removed, their hashes."""
    return {
        "repository": REPOSITORY, "branch": branch, "tag": want, "commit": commit,
        "kubeGitCommit": evidence.get("KUBE_GIT_COMMIT", ""),
        "versionEvidence": f"{VERSION_FILE}: KUBE_GIT_VERSION={evidence['KUBE_GIT_VERSION']}",
        "path": path, "apiResources": api_resources,
        "carriesRemoved": [c.describe() for c in CARRIES[minor]],
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }  # fmt: skip


def _write(data: Path, index: dict[str, Any], minor: str, files: Mapping[str, bytes], entry: dict[str, Any]) -> None:
    (data / minor).mkdir(exist_ok=True)
    for name, content in files.items():
        (data / minor / name).write_bytes(content)
    index["versions"][minor] = entry


def main(argv: list[str]) -> int:
    data = Path(__file__).parent / "data"
    index_path = data / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    if argv[:1] == ["--rendered"] and len(argv) == 5 and argv[2] in RENDERED_RELEASES:
        gitdir, minor, render_dir, live = Path(argv[1]), argv[2], Path(argv[3]), Path(argv[4])
        _write(data, index, minor, *vendor_rendered(gitdir, minor, render_dir, live))
    elif len(argv) < 2 or any(v not in RELEASES for v in argv[1:]):
        print(f"usage: python -m eks_access.kubedata.vendor GITDIR {{{','.join(RELEASES)}}}...\n"
              f"       python -m eks_access.kubedata.vendor --rendered GITDIR {{{','.join(RENDERED_RELEASES)}}} "
              "RENDER_DIR DISCOVERY_JSON", file=sys.stderr)  # fmt: skip
        return 2
    else:
        for minor in argv[1:]:
            _write(data, index, minor, *vendor(Path(argv[0]), minor))
    index["versions"] = dict(sorted(index["versions"].items(), key=lambda kv: minor_key(kv[0])))
    index_path.write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

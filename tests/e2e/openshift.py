"""An OpenShift build of kube-apiserver: the carries our data removes, expected back on the server.

``tools/kube-apiserver-modern/setup.sh`` builds kube-apiserver 1.29/1.30/1.33-1.36 from the same
openshift/kubernetes tree that ``kubedata/vendor.py`` takes those releases' built-in RBAC from;
vendor.py removes OpenShift's carries (``CARRIES``) so that the data is upstream's. Such a server
is recognised by its ``/version`` gitCommit: the ``kubeGitCommit`` that ``data/index.json``
records for the release (setup.sh links it in from the same ``Makefile.kube_git.var``). Against
it, the e2e tests put the carries back where they belong instead of calling them defects:

- the live bootstrap objects, minus ``CARRIES`` (each must be there exactly once), must equal the
  vendored data;
- every SubjectAccessReview answer that differs from the analyzer's must be explained by one
  carry in ``EXPLAINED`` (what the carry grants, to whom), and the run reports which.

Against any other server (upstream's 1.20 from Debian) the carries are empty and nothing is
excused.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eks_access.kubedata.vendor import CARRIES, Carry, remove_carries_parsed
from eks_access.kubedata.versions import index
from tests.e2e.questions import Question

# Which live list each golden file's objects are in (tests/e2e/cluster.py live_objects).
FIELD_OF_FILE = {
    "cluster-roles.yaml": "cluster_roles", "controller-roles.yaml": "cluster_roles",
    "cluster-role-bindings.yaml": "cluster_role_bindings",
    "controller-role-bindings.yaml": "cluster_role_bindings",
    "namespace-roles.yaml": "roles", "namespace-role-bindings.yaml": "role_bindings",
}  # fmt: skip


def server_carries(minor: str, version_doc: Mapping[str, Any]) -> tuple[Carry, ...]:
    """The carries a server of ``minor`` holds: all of CARRIES[minor] if it is that OpenShift build."""
    entry = index().get(minor, {})
    if not entry.get("kubeGitCommit") or version_doc.get("gitCommit") != entry["kubeGitCommit"]:
        return ()
    return tuple(CARRIES.get(minor, ()))


def without_carries(live: Mapping[str, list[dict[str, Any]]], carries: Sequence[Carry]) -> dict[str, list[dict[str, Any]]]:
    """``live`` (field -> objects) with each carry taken out, as vendor.py takes it out of the tree."""
    out = {field: copy.deepcopy(list(objs)) for field, objs in live.items()}
    for field in set(FIELD_OF_FILE.values()):
        mine = [c for c in carries if FIELD_OF_FILE[c.file] == field]
        if mine:
            out[field] = remove_carries_parsed({"items": out[field]}, mine)["items"]
    return out


_WRITE = ("create", "update", "patch", "delete", "deletecollection")

# Carry name -> (what the server grants because of it, the questions it answers "yes" to).
# The analyzer, given upstream's data, answers "no" to them: each is a difference of the OpenShift
# build, not of the analyzer. Carries no question here can reach (controller roles: no identity in
# questions.IDENTITIES is a controller's service account) have no entry.
EXPLAINED: Mapping[str, tuple[str, Callable[[Question], bool]]] = {
    "system:openshift:public-info-viewer": (
        "OpenShift carry system:openshift:public-info-viewer: get /.well-known, /.well-known/* for "
        "system:authenticated and system:unauthenticated (upstream binds no role granting it)",
        lambda q: q.path is not None and q.verb == "get" and q.path.startswith("/.well-known"),
    ),
    "system:aggregate-to-edit": (
        "OpenShift carry: endpoints write kept in system:aggregate-to-edit (so edit and admin), "
        "removed upstream in 1.22 (kubernetes/kubernetes#103704, CVE-2021-25740)",
        lambda q: q.path is None and q.group == "" and q.resource == "endpoints" and q.verb in _WRITE,
    ),
}


def explain(q: Question, server: bool, carries: Sequence[Carry]) -> str | None:
    """Why the server answers ``server`` where the analyzer answers the opposite, if a carry says."""
    if not server:
        return None  # every carry only adds permissions
    for carry in carries:
        why, matches = EXPLAINED.get(carry.name, ("", None))
        if matches is not None and matches(q):
            return why
    return None

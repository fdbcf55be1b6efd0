"""Kubernetes: one Pulumi resource per object, no object the cluster already has, namespaces that exist.

Sources:
- pulumi-kubernetes creates new objects with a client-side create since 4.29 (pulumi/pulumi-kubernetes
  CHANGELOG.md 4.29.0, #2926; provider/pkg/await/await.go): an object that already exists fails
  with AlreadyExists, whether another resource of the program made it or the cluster had it.
  Before 4.29 the create was a server-side apply "upsert" (the provider's "Managing Resources
  with Server-Side Apply" guide), so two resources silently shared, and fought over, one object.
  Either way one object, identified by API group, kind, namespace and name, has one resource.
- What every cluster already has: the namespaces default, kube-system, kube-public and
  kube-node-lease; the bootstrap RBAC policy the API server creates at start-up
  (kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy, vendored per version
  in ``eks_access.kubedata``), cluster-wide and in kube-system and kube-public; a ``default`` ServiceAccount in every namespace (the service
  account controller, https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts);
  the ``kube-root-ca.crt`` ConfigMap in every namespace (kubernetes/kubernetes
  pkg/controller/certificates/rootcacertpublisher/publisher.go). pulumi-eks owns
  ``kube-system/aws-auth`` when the mode supports aws-auth (nodejs/eks/cluster/cluster.ts).
- An object in a namespace that does not exist is refused by the NamespaceLifecycle admission
  plugin (kubernetes/kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go). Judged
  only for clusters the program creates: a new cluster has the built-in namespaces and nothing else.
- The API server drops ``metadata.namespace`` of a cluster-scoped object
  (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/registry/rest/meta.go,
  ``EnsureObjectNamespaceMatchesRequestNamespace``), so a namespace there is refused offline:
  the plan would show a scope the object never has, and two such objects that differ only in
  namespace are one object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from eks_access import kubedata
from eks_access.errors import EksAccessError
from eks_access.offline import implicit
from eks_access.offline.contracts.base import Plan, Record, Violation, known, violation
from eks_access.offline.wire import is_unknown
from eks_access.spec.builtins import BUILTIN_NAMESPACES

_PROVIDER_SHORT_TYPE = "kubernetes"

Identity = tuple[str, str, str, str, str]  # provider, group, kind, namespace, name


def check(plan: Plan) -> Iterator[Violation]:
    objects = [r for r in plan.records if _is_object(r)]
    if not objects:
        return
    version = _cluster_version(plan)
    scopes = _scopes(version)
    builtin = _builtin_objects(version)
    new_clusters = _providers_of_new_clusters(plan)
    created_namespaces = _created_namespaces(objects, plan)
    owned = _pulumi_eks_objects(plan)
    seen: dict[Identity, Record] = {}
    for record in objects:
        group, kind = _group_kind(record)
        namespaced = scopes.get((group, kind))
        meta = record["inputs"].get("metadata")
        meta = meta if isinstance(meta, Mapping) else {}
        name, namespace = meta.get("name"), meta.get("namespace")
        if namespaced is False and namespace not in (None, ""):
            yield violation(
                "k8s-cluster-scoped-namespace", record,
                f"{kind} is cluster-scoped but sets metadata.namespace {namespace!r}; the API server drops it, "
                "so the object would not be where the plan shows it",
            )
            continue
        if not known(name) or (namespaced and namespace is not None and not known(namespace)):
            continue
        namespace = str(namespace or "default") if namespaced else ""
        identity = (plan.provider_of(record), group, kind, namespace, str(name))
        where = f"{kind} {namespace + '/' if namespace else ''}{name}"
        first = seen.setdefault(identity, record)
        if first is not record:
            yield violation(
                "k8s-one-resource-per-object", record,
                f"{first['name']} already creates {where}; one Kubernetes object can have only one Pulumi resource "
                "(pulumi-kubernetes refuses the second create with AlreadyExists)",
                other=first,
            )
            continue
        object_key = (group, kind, namespace, str(name))
        existing = _existing(group, kind, namespace, str(name), builtin)
        if existing:
            yield violation(
                "k8s-object-exists", record,
                f"every cluster already has {where} ({existing}); pulumi-kubernetes refuses to create it (AlreadyExists). "
                "Use a Patch resource to change it, or choose another name",
            )
        elif object_key in owned:
            yield violation(
                "k8s-object-exists", record,
                f"{owned[object_key]} already manages {where}; pass its mappings to the cluster (roleMappings, "
                "userMappings) instead of a second resource that would fight over the object",
            )
        if (
            namespaced
            and identity[0] in new_clusters
            and namespace not in BUILTIN_NAMESPACES
            and namespace not in created_namespaces.get(identity[0], set())
        ):
            yield violation(
                "k8s-namespace-exists", record,
                f"namespace {namespace!r} does not exist: nothing in the program creates it and a new cluster has only "
                f"{', '.join(BUILTIN_NAMESPACES)} (the API server refuses objects in missing namespaces)",
            )


def _is_object(record: Record) -> bool:
    typ = str(record["type"])
    return (
        typ.startswith("kubernetes:")
        and bool(record.get("custom"))
        and not typ.endswith("Patch")
        and isinstance(record["inputs"].get("metadata"), Mapping)
    )


def _group_kind(record: Record) -> tuple[str, str]:
    """(API group, kind) of a pulumi-kubernetes type token ``kubernetes:<group>/<version>:<Kind>``."""
    _, group_version, kind = str(record["type"]).split(":", 2)
    group = group_version.rsplit("/", 1)[0]
    return ("" if group == "core" else group), kind


def _cluster_version(plan: Plan) -> str:
    """The Kubernetes version whose built-ins a new cluster has: the one cluster's, else the newest supported."""
    versions = {c["inputs"].get("version") for c in plan.of(*sorted(implicit.CLUSTER_TYPES))}
    versions = {v for v in versions if isinstance(v, str) and known(v)}
    if len(versions) != 1:
        return kubedata.DEFAULT_VERSION
    version = versions.pop()
    try:
        return kubedata.normalize_version(version)
    except kubedata.UnsupportedVersion:
        raise EksAccessError(
            f"cluster.version: Kubernetes {version!r} has no built-in RBAC and discovery data shipped "
            f"(supported: {', '.join(kubedata.SUPPORTED_VERSIONS)}), so the offline plan cannot tell which "
            "objects a new cluster of that release already has"
        ) from None


@cache
def _scopes(version: str) -> dict[tuple[str, str], bool]:
    """(API group, kind) -> namespaced, from the release's discovery documents; CRDs are absent."""
    return {(r.group, r.kind): r.namespaced for r in kubedata.api_resources(version).values()}


@cache
def _builtin_objects(version: str) -> dict[tuple[str, str, str, str], str]:
    """(group, kind, namespace, name) of every object the API server's bootstrap policy creates."""
    policy = kubedata.bootstrap_policy(version)
    out: dict[tuple[str, str, str, str], str] = {}
    for kind, items in (
        ("ClusterRole", policy.cluster_roles), ("ClusterRoleBinding", policy.cluster_role_bindings),
        ("Role", policy.roles), ("RoleBinding", policy.role_bindings),
    ):
        for item in items:
            meta = item.get("metadata") or {}
            key = ("rbac.authorization.k8s.io", kind, str(meta.get("namespace") or ""), str(meta.get("name")))
            out[key] = f"part of the Kubernetes {version} API server's bootstrap RBAC policy"
    return out


def _existing(group: str, kind: str, namespace: str, name: str, builtin: Mapping[tuple[str, str, str, str], str]) -> str | None:
    """Why a new cluster already has this object, or None."""
    if (group, kind) == ("", "Namespace") and name in BUILTIN_NAMESPACES:
        return "a built-in namespace"
    if (group, kind) == ("", "ServiceAccount") and name == "default":
        return "the service account controller creates it in every namespace"
    if (group, kind) == ("", "ConfigMap") and name == "kube-root-ca.crt":
        return "the root CA publisher creates it in every namespace"
    return builtin.get((group, kind, namespace, name))


def _pulumi_eks_objects(plan: Plan) -> dict[tuple[str, str, str, str], str]:
    """Objects a pulumi-eks cluster component manages itself (its aws-auth ConfigMap)."""
    owned: dict[tuple[str, str, str, str], str] = {}
    for cluster in plan.of("eks:index:Cluster"):
        mode = implicit.authentication_mode(cluster)
        if known(mode) and mode != "API":
            owned[("", "ConfigMap", "kube-system", "aws-auth")] = f"pulumi-eks cluster {cluster['name']}"
    return owned


def _created_namespaces(objects: list[Record], plan: Plan) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for record in objects:
        if _group_kind(record) == ("", "Namespace"):
            name = record["inputs"]["metadata"].get("name")
            if isinstance(name, str) and not is_unknown(name):
                out.setdefault(plan.provider_of(record), set()).add(name)
    return out


def _providers_of_new_clusters(plan: Plan) -> set[str]:
    """Kubernetes providers pointed at a cluster this program creates.

    A provider's kubeconfig names its cluster; in a preview it is unknown, and a program that
    creates exactly one cluster is taken to point its providers at that one.
    """
    clusters = {implicit.cluster_name(c) for c in plan.of(*sorted(implicit.CLUSTER_TYPES))}
    out: set[str] = set()
    for provider in plan.of(f"pulumi:providers:{_PROVIDER_SHORT_TYPE}"):
        target = _kubeconfig_cluster(provider["inputs"].get("kubeconfig"))
        if target in clusters or (target is None and len(clusters) == 1):
            out.add(str(provider["name"]))
    return out


def _kubeconfig_cluster(kubeconfig: Any) -> str | None:
    if isinstance(kubeconfig, str) and not is_unknown(kubeconfig):
        try:
            kubeconfig = json.loads(kubeconfig)
        except json.JSONDecodeError:
            return None
    if not isinstance(kubeconfig, Mapping):
        return None
    clusters = kubeconfig.get("clusters")
    if isinstance(clusters, list) and clusters and isinstance(clusters[0], Mapping):
        name = clusters[0].get("name")
        return str(name) if isinstance(name, str) else None
    return None

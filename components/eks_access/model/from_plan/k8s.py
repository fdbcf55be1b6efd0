"""Kubernetes records (pulumi-kubernetes ``kubernetes:<group>/<version>:<Kind>``) -> model facts.

Field shapes are the Kubernetes API's (``rbac.authorization.k8s.io/v1`` PolicyRule,
AggregationRule, RoleRef, Subject; core/v1 ServiceAccount, Namespace). A namespaced object whose
manifest names no namespace lands in the provider's default namespace, ``default``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eks_access.model.from_plan.fields import Fields
from eks_access.model.from_plan.records import PlanRecord
from eks_access.model.from_plan.state import State
from eks_access.model.k8s import (
    DEFAULT_NAMESPACE,
    IRSA_ANNOTATION,
    BindingKind,
    LabelSelector,
    Namespace,
    PolicyRule,
    RbacBinding,
    RbacRole,
    RoleKind,
    RoleRef,
    SelectorRequirement,
    ServiceAccount,
    Subject,
)
from eks_access.model.origin import Origin

RBAC_PREFIX = "kubernetes:rbac.authorization.k8s.io/"
_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def rbac_kind(rtype: str) -> str | None:
    if not rtype.startswith(RBAC_PREFIX):
        return None
    kind = rtype.rsplit(":", 1)[-1]
    return kind if kind in ("ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding") else None


def _metadata(f: Fields, record: PlanRecord, namespaced: bool) -> tuple[str | None, str | None, Mapping[str, Any]]:
    meta = f.mapping(record.inputs.get("metadata"), "metadata")
    mf = f.at("metadata")
    name = mf.text(meta.get("name"), "name")
    namespace = (mf.text(meta.get("namespace"), "namespace") or DEFAULT_NAMESPACE) if namespaced else None
    return name, namespace, meta


def read_rbac(state: State, record: PlanRecord) -> None:
    kind = rbac_kind(record.ref.type)
    if kind in ("ClusterRole", "Role"):
        _read_role(state, record, "Role" if kind == "Role" else "ClusterRole")
    elif kind in ("ClusterRoleBinding", "RoleBinding"):
        _read_binding(state, record, "RoleBinding" if kind == "RoleBinding" else "ClusterRoleBinding")


def _read_role(state: State, record: PlanRecord, kind: RoleKind) -> None:
    f = Fields(record.ref)
    name, namespace, meta = _metadata(f, record, kind == "Role")
    labels = f.at("metadata").mapping(meta.get("labels"), "labels")
    rules = tuple(_rule(f, raw, i) for i, raw in enumerate(f.sequence(record.inputs.get("rules"), "rules")))
    aggregation: tuple[LabelSelector, ...] | None = None
    if kind == "ClusterRole" and record.inputs.get("aggregationRule") is not None:
        agg = f.mapping(record.inputs.get("aggregationRule"), "aggregationRule")
        af = f.at("aggregationRule")
        selectors = af.sequence(agg.get("clusterRoleSelectors"), "clusterRoleSelectors")
        aggregation = tuple(_selector(af.at(f"clusterRoleSelectors[{i}]"), s) for i, s in enumerate(selectors))
    state.rbac_roles.append(RbacRole(
        kind=kind, name=name, namespace=namespace, rules=rules, origin=Origin(record.ref),
        labels=tuple((str(k), _label(f, v, f"metadata.labels.{k}")) for k, v in labels.items()),
        aggregation=aggregation, unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def _label(f: Fields, value: Any, key: str) -> str:
    return f.text(value, key) or ""


def _rule(f: Fields, raw: Any, i: int) -> PolicyRule:
    rf = f.at(f"rules[{i}]")
    body = rf.mapping(raw, "")
    return PolicyRule(
        index=i,
        verbs=rf.texts(body.get("verbs"), "verbs"),
        api_groups=rf.texts(body.get("apiGroups"), "apiGroups"),
        resources=rf.texts(body.get("resources"), "resources"),
        resource_names=rf.texts(body.get("resourceNames"), "resourceNames"),
        non_resource_urls=rf.texts(body.get("nonResourceURLs"), "nonResourceURLs"),
    )


def _selector(f: Fields, raw: Any) -> LabelSelector:
    body = f.mapping(raw, "")
    labels = f.mapping(body.get("matchLabels"), "matchLabels")
    expressions: list[SelectorRequirement] = []
    for i, item in enumerate(f.sequence(body.get("matchExpressions"), "matchExpressions")):
        ef = f.at(f"matchExpressions[{i}]")
        expr = ef.mapping(item, "")
        operator = ef.text(expr.get("operator"), "operator")
        if operator not in _SELECTOR_OPERATORS:
            raise ef.error("operator", f"expected one of {', '.join(_SELECTOR_OPERATORS)}, got {operator!r}")
        expressions.append(SelectorRequirement(ef.text(expr.get("key"), "key") or "", operator,
                                               ef.texts(expr.get("values"), "values")))  # fmt: skip
    return LabelSelector(
        match_labels=tuple((str(k), f.text(v, f"matchLabels.{k}") or "") for k, v in labels.items()),
        match_expressions=tuple(expressions),
    )


def _read_binding(state: State, record: PlanRecord, kind: BindingKind) -> None:
    f = Fields(record.ref)
    name, namespace, _meta = _metadata(f, record, kind == "RoleBinding")
    ref_raw = f.mapping(record.inputs.get("roleRef"), "roleRef")
    rf = f.at("roleRef")
    ref_kind, ref_name = rf.text(ref_raw.get("kind"), "kind"), rf.text(ref_raw.get("name"), "name")
    role_ref = None
    if ref_kind and ref_name:
        role_ref = RoleRef(ref_kind, ref_name, rf.text(ref_raw.get("apiGroup"), "apiGroup") or "rbac.authorization.k8s.io")
    subjects: list[Subject] = []
    for i, raw in enumerate(f.sequence(record.inputs.get("subjects"), "subjects")):
        sf = f.at(f"subjects[{i}]")
        body = sf.mapping(raw, "")
        skind, sname = sf.text(body.get("kind"), "kind"), sf.text(body.get("name"), "name")
        if skind and sname:
            subjects.append(Subject(skind, sname, sf.text(body.get("namespace"), "namespace") or None,
                                    sf.text(body.get("apiGroup"), "apiGroup")))  # fmt: skip
    state.rbac_bindings.append(RbacBinding(
        kind=kind, name=name, namespace=namespace, role_ref=role_ref, subjects=tuple(subjects),
        origin=Origin(record.ref), unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def read_service_account(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    name, namespace, meta = _metadata(f, record, True)
    if name is None:
        state.skip(record.ref, "inputs.metadata.name", "ServiceAccount name unknown or absent")
        return
    annotations = f.at("metadata").mapping(meta.get("annotations"), "annotations")
    role_arn = f.at("metadata.annotations").text(annotations.get(IRSA_ANNOTATION), IRSA_ANNOTATION)
    state.service_accounts.append(ServiceAccount(
        name=name, namespace=namespace or DEFAULT_NAMESPACE, role_arn=role_arn,
        automount=f.flag(record.inputs.get("automountServiceAccountToken"), "automountServiceAccountToken"),
        origin=Origin(record.ref), unknowns=tuple(f.unknowns),
    ))  # fmt: skip


def read_namespace(state: State, record: PlanRecord) -> None:
    f = Fields(record.ref)
    name, _ns, _meta = _metadata(f, record, False)
    if name:
        state.namespaces.append(Namespace(name, Origin(record.ref)))


READERS: dict[str, Callable[[State, PlanRecord], None]] = {
    "kubernetes:core/v1:ServiceAccount": read_service_account,
    "kubernetes:core/v1:Namespace": read_namespace,
}

"""check and can-i/who-can agree: they read one model and judge it with the same authorizers.

Over a corpus of plans (the dev plan, every guardrail fixture, the issue's accessEntries case,
aws-auth ConfigMaps, implicit entries), every identity ``check`` says holds system:masters or
cluster-admin answers yes to everything ``can-i`` is asked and is listed by ``who-can``; where
a mapping ``check`` reports does not take effect, the analyzer says why and the reason is one
``check`` also reports or one the mode explains.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from eks_access.analysis import Analyzer
from eks_access.authz.identity import KubernetesIdentity
from eks_access.guardrails import run_checks
from tests.builders import (
    ACCOUNT,
    CLUSTER_ADMIN_POLICY,
    access_entry,
    access_policy,
    aws_auth,
    binding,
    build_dev_plan,
    cluster,
    group,
    iam_role,
    rec,
    role_arn,
    user,
    user_arn,
)
from tests.guardrails.test_rules import CASES

PROBES = (
    ("delete", "nodes", None),
    ("create", "clusterroles.rbac.authorization.k8s.io", None),
    ("get", "secrets", "kube-system"),
    ("escalate", "roles.rbac.authorization.k8s.io", "default"),
    ("impersonate", "users", None),
    ("get", "/metrics", None),
    ("*", "*", None),
)
ADMIN = role_arn("Admin")
DEPLOYER = user_arn("deployer")


def _corpus() -> list[tuple[str, list[dict[str, Any]]]]:
    out = [("dev plan (hand-made)", build_dev_plan())]
    for case in CASES:
        out += [(f"{case.id} (violating)", case.records), (f"{case.id} (compliant)", case.compliant)]
    out += [
        ("issue: accessEntries to system:masters", [cluster(accessEntries={"admin": {"principalArn": ADMIN, "kubernetesGroups": ["system:masters"]}})]),
        ("aws-auth masters in CONFIG_MAP", [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[
            {"rolearn": ADMIN, "username": "admin:{{SessionName}}", "groups": ["system:masters"]}],
            map_users=[{"userarn": user_arn("root-ish"), "username": "r", "groups": ["system:masters"]}])]),
        ("aws-auth masters ignored in API mode", [cluster(mode="API"), aws_auth(map_roles=[{"rolearn": ADMIN, "groups": ["system:masters"]}])]),
        ("aws-auth masters with a path", [cluster(mode="CONFIG_MAP"), aws_auth(map_roles=[
            {"rolearn": role_arn("Admin", "/ops/"), "username": "a", "groups": ["system:masters"]}])]),
        ("access entry and cluster-admin policy", [cluster(), access_entry("ops", ADMIN, []), access_policy("ops-admin", ADMIN, "AmazonEKSClusterAdminPolicy")]),
        ("cluster-admin in a namespace", [binding("ns-admin", "ClusterRole", "cluster-admin", [user("alice")], namespace="team-a")]),
        ("implicit cluster creator and node group", [
            cluster(), iam_role("node", "Node", []),
            access_entry("myeks-creator-access-entry", DEPLOYER, parent="myeks", implicit="eks-cluster-creator"),
            rec("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "myeks-creator-admin-policy", {
                "clusterName": "myeks", "principalArn": DEPLOYER, "policyArn": CLUSTER_ADMIN_POLICY,
                "accessScope": {"type": "cluster"}}, parent="myeks", implicit="eks-cluster-creator"),
            access_entry("myeks-nodes-node-access-entry", role_arn("Node"), entry_type="EC2_LINUX", parent="myeks",
                         implicit="eks-managed-node-group"),
            binding("masters-too", "ClusterRole", "view", [group("system:masters")]),
        ]),
    ]  # fmt: skip
    return out


CORPUS = _corpus()


def _allowed_everything(analyzer: Analyzer, principal: str, namespace: str | None = None) -> None:
    for verb, resource, ns in PROBES:
        if namespace is not None:
            if resource.startswith("/") or resource in ("nodes", "clusterroles.rbac.authorization.k8s.io", "users"):
                continue
            ns = namespace
        answer = analyzer.can_i(principal, verb, resource, ns)
        assert answer.allowed, (principal, verb, resource, ns, answer.reason)


def _listed(analyzer: Analyzer, principal: str, verb: str = "delete", resource: str = "nodes", ns: str | None = None) -> None:
    entries = analyzer.who_can(analyzer.request(verb, resource, ns))
    assert principal in {e.principal.display for e in entries}, (principal, [e.principal.display for e in entries])


@pytest.mark.parametrize(("name", "records"), CORPUS, ids=[n for n, _ in CORPUS])
def test_check_and_can_i_agree(name: str, records: list[dict[str, Any]]) -> None:
    analyzer = Analyzer.from_records(records)
    findings = run_checks(records)
    path_findings = {s for f in findings if f.rule == "EKS-AWSAUTH-PATH" for s in f.subjects}
    for f in (f for f in findings if f.rule == "EKS-MASTERS"):
        for subject in f.subjects:
            if subject.startswith("group:"):
                _allowed_everything(analyzer, subject)
                continue
            identity = analyzer.resolver.resolve(subject, "s")
            if isinstance(identity, KubernetesIdentity):
                assert "system:masters" in identity.groups
                _allowed_everything(analyzer, subject)
                _listed(analyzer, subject)
            else:  # declared but not in effect: the analyzer says why, and check or the mode explains it
                assert ("rolearn includes a path" in identity.reason and subject in path_findings) or (
                    "is ignored in" in identity.reason), (name, identity.reason)
    for f in (f for f in findings if f.rule == "EKS-CLUSTER-ADMIN-POLICY" and "AmazonEKSClusterAdminPolicy" in f.message):
        for subject in f.subjects:
            if isinstance(analyzer.resolver.resolve(subject, "s"), KubernetesIdentity):
                _allowed_everything(analyzer, subject)
                _listed(analyzer, subject)
    for f in (f for f in findings if f.rule == "RBAC-CLUSTER-ADMIN"):
        binding_ns = next((b.namespace for b in analyzer.model.k8s.bindings if b.origin.record.label == f.resource), None)
        for subject in f.subjects:
            _allowed_everything(analyzer, subject, binding_ns)
            _listed(analyzer, subject, "delete", "pods", binding_ns)


def test_the_corpus_exercises_every_agreement() -> None:
    """The corpus is not vacuous: it has findings of each kind compared above, effective or not."""
    kinds = {f.rule for _n, records in CORPUS for f in run_checks(records)}
    assert {"EKS-MASTERS", "EKS-CLUSTER-ADMIN-POLICY", "RBAC-CLUSTER-ADMIN", "EKS-AWSAUTH-PATH"} <= kinds
    implicit = next(r for n, r in CORPUS if n.startswith("implicit"))
    analyzer = Analyzer.from_records(implicit)
    # check does not judge what EKS creates on its own, but the analyzer sees it
    assert [f.rule for f in run_checks(implicit) if f.rule.startswith("EKS-CLUSTER")] == []
    _allowed_everything(analyzer, DEPLOYER)
    _listed(analyzer, DEPLOYER)
    node = analyzer.can_i(role_arn("Node"), "get", "nodes")
    assert node.chain[0].fields["username"] == "system:node:{{EC2PrivateDNSName}}"
    assert ACCOUNT in DEPLOYER


POD_RESOURCES = ("pods", "deployments.apps", "daemonsets.apps", "statefulsets.apps", "replicasets.apps",
                 "jobs.batch", "cronjobs.batch", "replicationcontrollers")  # fmt: skip
SCOPE_CORPUS = [
    ("team group bound to edit in kube-system through an access entry", [
        cluster(), access_entry("ci-access-entry", role_arn("CI"), ["ci"]),
        binding("ci-edit", "ClusterRole", "edit", [group("ci")], namespace="kube-system")]),
    ("aws-auth writable in API_AND_CONFIG_MAP", [
        cluster(mode="API_AND_CONFIG_MAP"), access_entry("ops-access-entry", role_arn("Ops"), ["platform"]),
        binding("ops-edit", "ClusterRole", "edit", [group("platform")], namespace="kube-system")]),
]  # fmt: skip


def _any_yes(analyzer: Analyzer, subject: str, verbs: tuple[str, ...], resources: tuple[str, ...],
             names: tuple[str | None, ...] = (None,)) -> bool:  # fmt: skip
    return any(analyzer.can_i(subject, v, r, "kube-system", name=n).allowed for v in verbs for r in resources for n in names)


def _principals_of(analyzer: Analyzer, subjects: tuple[str, ...]) -> list[str]:
    """The finding's subjects and every IAM principal mapped into one of its groups."""
    groups = {s.removeprefix("group:") for s in subjects if s.startswith("group:")}
    mapped = [m.principal_arn for m in analyzer.resolver.in_effect() if m.principal_arn and groups & set(m.groups)]
    return [*subjects, *mapped]


@pytest.mark.parametrize(("name", "records"), CORPUS + SCOPE_CORPUS, ids=[n for n, _ in CORPUS + SCOPE_CORPUS])
def test_kube_system_findings_agree_with_can_i(name: str, records: list[dict[str, Any]]) -> None:
    """Whoever check says may create workloads, read secrets or write aws-auth in kube-system, or
    holds a privileged access policy there, gets yes from can-i for that request."""
    analyzer = Analyzer.from_records(records)
    for f in run_checks(records):
        for subject in _principals_of(analyzer, f.subjects) if f.rule.startswith(("RBAC-", "EKS-CLUSTER")) else ():
            if f.rule == "RBAC-POD-CREATE":
                assert _any_yes(analyzer, subject, ("create", "update", "patch"), POD_RESOURCES), (name, subject)
            elif f.rule == "RBAC-SYSTEM-SECRETS":
                names = tuple(re.findall(r"secrets '([^']+)'", f.message)) or (None,)
                assert _any_yes(analyzer, subject, ("get", "list", "watch"), ("secrets",), names), (name, subject)
            elif f.rule == "RBAC-AWS-AUTH":
                assert _any_yes(analyzer, subject, ("create", "update", "patch"), ("configmaps",), ("aws-auth",)), (name, subject)
            elif f.rule == "EKS-CLUSTER-ADMIN-POLICY" and isinstance(analyzer.resolver.resolve(subject, "s"), KubernetesIdentity):
                assert _any_yes(analyzer, subject, ("create",), ("pods",)), (name, subject)


def test_scope_corpus_exercises_the_kube_system_rules() -> None:
    kinds = {f.rule for _n, records in CORPUS + SCOPE_CORPUS for f in run_checks(records)}
    assert {"RBAC-POD-CREATE", "RBAC-SYSTEM-SECRETS", "RBAC-AWS-AUTH", "EKS-CLUSTER-ADMIN-POLICY"} <= kinds
    analyzer = Analyzer.from_records(SCOPE_CORPUS[0][1])
    # the IAM role mapped into group ci is the identity flagged, and can-i agrees
    assert analyzer.can_i(role_arn("CI"), "create", "pods", "kube-system").allowed
    assert not analyzer.can_i(role_arn("CI"), "create", "pods", "default").allowed

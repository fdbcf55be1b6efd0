"""Hand-made plan records (docs/plan-format.md) and a harness that runs the policy adapter.

The harness builds the real ``pulumi_policy`` argument objects, wraps props in the engine's
unknown-checking proxy, and calls each policy's ``validate`` directly: constructing a
``PolicyPack`` would start a gRPC server and block.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from eks_access.guardrails import Finding, load_guardrail_config, run_checks
from eks_access.guardrails.pack import build_policies

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
RBAC = "kubernetes:rbac.authorization.k8s.io/v1:"


def rec(type_: str, name: str, inputs: Mapping[str, Any], outputs: Mapping[str, Any] | None = None,
        parent: str | None = None, custom: bool = True) -> dict[str, Any]:
    return {"type": type_, "name": name, "parent": parent, "custom": custom,
            "inputs": dict(inputs), "outputs": dict(outputs or {})}


def cluster(name: str = "myeks", mode: str | None = "API", **extra: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {"name": name, **extra}
    if mode is not None:
        inputs["authenticationMode"] = mode
    return rec("eks:index:Cluster", name, inputs, custom=False)


def aws_auth(name: str = "myeks-nodeAccess", map_roles: Any = None, map_users: Any = None,
             map_accounts: Any = None, parent: str | None = None) -> dict[str, Any]:
    import yaml

    data: dict[str, str] = {}
    if map_roles is not None:
        data["mapRoles"] = yaml.safe_dump(map_roles)
    if map_users is not None:
        data["mapUsers"] = yaml.safe_dump(map_users)
    if map_accounts is not None:
        data["mapAccounts"] = yaml.safe_dump(map_accounts)
    return rec("kubernetes:core/v1:ConfigMap", name, {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": data,
    }, parent=parent)


def access_entry(name: str, principal: str, groups: Sequence[str] = (), username: str | None = None) -> dict[str, Any]:
    inputs: dict[str, Any] = {"clusterName": "myeks", "principalArn": principal,
                              "kubernetesGroups": list(groups), "type": "STANDARD"}
    if username is not None:
        inputs["userName"] = username
    return rec("aws:eks/accessEntry:AccessEntry", name, inputs)


def role_arn(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:role{path}{name}"


def k8s_role(name: str, rules: list[dict[str, Any]], namespace: str | None = None,
             record_name: str | None = None) -> dict[str, Any]:
    kind = "Role" if namespace else "ClusterRole"
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return rec(RBAC + kind, record_name or f"{kind.lower()}-{name}", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta, "rules": rules,
    })


def binding(name: str, role_kind: str, role_name: str, subjects: list[dict[str, Any]],
            namespace: str | None = None) -> dict[str, Any]:
    kind = "RoleBinding" if namespace else "ClusterRoleBinding"
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return rec(RBAC + kind, f"{kind.lower()}-{name}", {
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_name},
        "subjects": subjects,
    })


def group(name: str) -> dict[str, str]:
    return {"kind": "Group", "name": name, "apiGroup": "rbac.authorization.k8s.io"}


def service_account(name: str, namespace: str, automount: bool | None = None,
                    record_name: str | None = None) -> dict[str, Any]:
    inputs: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceAccount",
                              "metadata": {"name": name, "namespace": namespace}}
    if automount is not None:
        inputs["automountServiceAccountToken"] = automount
    return rec("kubernetes:core/v1:ServiceAccount", record_name or f"{namespace}-{name}-sa", inputs)


def iam_role(record_name: str, role_name: str, statements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return rec("aws:iam/role:Role", record_name, {"name": role_name, "assumeRolePolicy": doc, **extra},
               {"arn": role_arn(role_name), "name": role_name})


def irsa_statement(sub: str | None = "system:serviceaccount:default:my-sa", aud: str | None = "sts.amazonaws.com",
                   issuer: str = ISSUER, like: bool = False) -> dict[str, Any]:
    equals: dict[str, str] = {}
    cond: dict[str, Any] = {}
    if aud is not None:
        equals[f"{issuer}:aud"] = aud
    if sub is not None:
        if like:
            cond["StringLike"] = {f"{issuer}:sub": sub}
        else:
            equals[f"{issuer}:sub"] = sub
    if equals:
        cond["StringEquals"] = equals
    statement: dict[str, Any] = {
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"},
    }
    if cond:
        statement["Condition"] = cond
    return statement


def oidc_provider(url: str = f"https://{ISSUER}") -> dict[str, Any]:
    return rec("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "myeks-oidc-provider",
               {"url": url, "clientIdLists": ["sts.amazonaws.com"]}, {"arn": PROVIDER_ARN})


def inline_policy(type_: str, name: str, statements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return rec(type_, name, {"policy": doc, **extra})


# --- running --------------------------------------------------------------------------------


def findings(records: Sequence[Mapping[str, Any]], rule: str | None = None,
             allow: Mapping[str, list[str]] | None = None) -> list[Finding]:
    config = load_guardrail_config({"allow": dict(allow)}) if allow else None
    found = run_checks(records, config)
    return [f for f in found if rule is None or f.rule == rule]


@dataclass(frozen=True)
class Violation:
    policy: str
    message: str
    urn: str | None


def urn(record: Mapping[str, Any]) -> str:
    return f"urn:pulumi:dev::team-cluster::{record['type']}::{record['name']}"


def _opts(parent: str | None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def run_pack(records: Sequence[Mapping[str, Any]], rule: str | None = None,
             allow: Mapping[str, list[str]] | None = None) -> list[Violation]:
    """Every violation every policy of the pack reports, as the engine would call them."""
    violations: list[Violation] = []
    by_name = {r["name"]: r for r in records}
    for policy in build_policies():
        if rule is not None and policy.name not in (rule, f"{rule}-ADVISORY"):
            continue
        base = policy.name.removesuffix("-ADVISORY")
        config = {"allow": list(allow[base])} if allow and base in allow else None

        def report(message: str, at: str | None = None, _name: str = policy.name) -> None:
            violations.append(Violation(_name, message, at))

        if isinstance(policy, ResourceValidationPolicy):
            for r in records:
                parent = by_name.get(r.get("parent") or "")
                args = ResourceValidationArgs(
                    r["type"], unknown_checking_proxy(json.loads(json.dumps(r["inputs"]))), urn(r), r["name"],
                    _opts(urn(parent) if parent else None), None, config,
                )
                policy.validate(args, report)
        elif isinstance(policy, StackValidationPolicy):
            resources = []
            for r in records:
                props = {**r.get("inputs", {}), **r.get("outputs", {})}
                resources.append(PolicyResource(
                    r["type"], unknown_checking_proxy(json.loads(json.dumps(props))), urn(r), r["name"],
                    _opts(None), None, None, [], {},
                ))
            policy.validate(StackValidationArgs(resources, config), report)
    return violations

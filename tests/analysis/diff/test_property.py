"""``diff`` agrees exactly with brute-force ``can-i`` on random pairs of small plans.

Each example draws a pool of RBAC objects, access entries and access policies, and two random
subsets of it (BASE and HEAD). For every principal either side knows and every request built
from the verbs, API groups, resources, namespaces, names and URLs the two plans and the
release's discovery mention (plus values nobody mentions), the analyzer is asked on each side;
a request allowed by HEAD only must be in the diff as gained, by BASE only as lost, and no
other request may be in it.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_access.analysis import Analyzer
from eks_access.analysis.diff import diff_analyzers
from eks_access.analysis.diff.compute import principals_of
from eks_access.analysis.requests import Request
from eks_access.authz.rbac.attributes import Attributes
from eks_access.kubedata import api_resources
from tests.builders import (
    ACCOUNT,
    access_entry,
    access_policy,
    binding,
    cluster,
    group,
    iam_role,
    rec,
    role_arn,
    sa_subject,
    user,
    user_arn,
    user_policy,
)

VERBS = ["get", "list", "create", "*"]
GROUPS = ["", "apps", "*"]
RESOURCES = ["pods", "pods/log", "secrets", "deployments", "*/scale", "*"]
NAMES = ["a", "b"]
URLS = ["/healthz", "/api/*", "*"]
NAMESPACES = ["ns1", "ns2"]
SUBJECTS = [user("alice"), group("devs"), sa_subject("app", "ns1"), group("system:masters")]
POLICIES = ["AmazonEKSViewPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminPolicy"]
ROLE = role_arn("Team")

_rule = st.fixed_dictionaries(
    {"verbs": st.lists(st.sampled_from(VERBS), min_size=1, max_size=2, unique=True)},
    optional={
        "apiGroups": st.lists(st.sampled_from(GROUPS), min_size=1, max_size=2, unique=True),
        "resources": st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True),
        "resourceNames": st.lists(st.sampled_from(NAMES), min_size=1, max_size=1),
        "nonResourceURLs": st.lists(st.sampled_from(URLS), min_size=1, max_size=2, unique=True),
    },
)


@st.composite
def _pool(draw: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 3))):
        rules = [_valid(r) for r in draw(st.lists(_rule, min_size=1, max_size=2))]
        ns = draw(st.sampled_from([None, "ns1"]))
        meta: dict[str, Any] = {"name": f"r{i}"}
        kind = "Role" if ns else "ClusterRole"
        if ns:
            meta["namespace"] = ns
        records.append({"type": f"kubernetes:rbac.authorization.k8s.io/v1:{kind}", "name": f"{kind}-r{i}", "parent": None,
                        "custom": True, "outputs": {}, "inputs": {"kind": kind, "metadata": meta, "rules": rules}})  # fmt: skip
    for j in range(draw(st.integers(1, 4))):
        role = draw(st.sampled_from(["r0", "r1", "r2", "view", "edit"]))
        ns = draw(st.sampled_from([None, *NAMESPACES]))
        kind = "Role" if ns == "ns1" and role.startswith("r") and draw(st.booleans()) else "ClusterRole"
        subjects = draw(st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=2))
        records.append(binding(f"b{j}", kind, role, subjects, namespace=ns))
    records.append(access_entry("entry", ROLE, draw(st.lists(st.sampled_from(["devs", "ops"]), max_size=2))))
    # an IAM user who may assume the mapped role (when both the role and the user's policy are drawn)
    records.append(iam_role("team-role", "Team", [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                                   "Action": "sts:AssumeRole"}]))  # fmt: skip
    records.append(rec("aws:iam/user:User", "alice", {"name": "alice"}, outputs={"arn": user_arn("alice")}))
    records.append(user_policy("alice-assume", "alice", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE}))
    if draw(st.booleans()):
        scope = draw(st.sampled_from([None, ["ns1"], ["ns*"]]))
        records.append(access_policy("assoc", ROLE, draw(st.sampled_from(POLICIES)), scope))
    return records


def _valid(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule the API server accepts: resource rules need apiGroups and resources."""
    if "nonResourceURLs" in rule:
        return {"verbs": rule["verbs"], "nonResourceURLs": rule["nonResourceURLs"]}
    out = {"apiGroups": rule.get("apiGroups", [""]), "resources": rule.get("resources", ["pods"]), "verbs": rule["verbs"]}
    if "resourceNames" in rule:
        out["resourceNames"] = rule["resourceNames"]
    return out


def _requests() -> list[Attributes]:
    discovered = api_resources("1.20")
    resources = {("", "pods", ""), ("", "pods", "log"), ("", "secrets", ""), ("apps", "deployments", ""),
                 ("apps", "deployments", "scale"), ("", "nodes", ""), ("other", "widgets", ""), ("", "widgets", "scale")}  # fmt: skip
    resources |= {(r.group, r.name, "") for r in list(discovered.values())[:4]}
    out = [Attributes(v, res, sub, g, ns, name)
           for v in ("get", "list", "create", "patch")
           for (g, res, sub) in sorted(resources)
           for ns in ("", "ns1", "ns2", "nsq", "zz")
           for name in ("", "a", "zz")]  # fmt: skip
    out += [Attributes(v, path=p) for v in ("get", "post") for p in ("/healthz", "/api", "/api/v1", "/zz")]
    return out


REQUESTS = _requests()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pool(), st.data())
def test_diff_equals_brute_force_can_i(pool: list[dict[str, Any]], data: Any) -> None:
    base_mask = data.draw(st.lists(st.booleans(), min_size=len(pool), max_size=len(pool)))
    head_mask = data.draw(st.lists(st.booleans(), min_size=len(pool), max_size=len(pool)))
    sides = [[cluster(version="1.20"), *itertools.compress(pool, mask)] for mask in (base_mask, head_mask)]
    base, head = (Analyzer.from_records(records) for records in sides)
    diff = diff_analyzers(base, head)
    by_principal = {p.principal.display: p for p in diff.principals}
    principals = {**principals_of(base), **principals_of(head)}
    for key, principal in principals.items():
        found = by_principal.get(key)
        for attrs in REQUESTS:
            before = base.ask(principal, Request(attrs)).allowed
            after = head.ask(principal, Request(attrs)).allowed
            expected = "gained" if after and not before else "lost" if before and not after else None
            actual = found.change_of(attrs) if found is not None else None
            assert actual == expected, (key, attrs)

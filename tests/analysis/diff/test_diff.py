"""The diff on hand-made plans: wildcards as sets, causes, IAM changes, markdown safety."""

from __future__ import annotations

from typing import Any

from eks_access.analysis import Analyzer
from eks_access.analysis.diff import diff_analyzers
from eks_access.analysis.diff.report import render_json, render_markdown, render_text
from eks_access.escape.markdown import code
from tests.builders import (
    ACCOUNT,
    access_entry,
    binding,
    cluster,
    group,
    iam_role,
    k8s_role,
    policy,
    rec,
    role_arn,
    user,
    user_arn,
)

SECRETS_ALL = [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]}]
SECRETS_GET = [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]


def _text(base: list[dict[str, Any]], head: list[dict[str, Any]]) -> str:
    return render_text(diff_analyzers(Analyzer.from_records([cluster(version="1.20"), *base]),
                                      Analyzer.from_records([cluster(version="1.20"), *head])))  # fmt: skip


def _secrets(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [k8s_role("secrets", rules, namespace="kube-system"),
            binding("ops-secrets", "Role", "secrets", [group("ops")], namespace="kube-system")]  # fmt: skip


def test_a_wildcard_verb_is_one_line() -> None:
    assert _text([], _secrets(SECRETS_ALL)) == "\n".join([
        "Access diff BASE -> HEAD: 1 principal gains access, 0 lose access",
        "",
        "+ Role kube-system/secrets in namespace kube-system by RoleBinding kube-system/ops-secrets: 1 change (widening)",
        "    group:ops",
        '      + * on secrets [apiGroups ""] in namespace kube-system',
    ])  # fmt: skip


def test_wildcard_minus_a_verb_is_all_but_that_verb() -> None:
    assert _text(_secrets(SECRETS_GET), _secrets(SECRETS_ALL)).splitlines()[-1] == (
        '      + * except get on secrets [apiGroups ""] in namespace kube-system')
    assert _text(_secrets(SECRETS_ALL), _secrets(SECRETS_GET)).splitlines()[-1] == (
        '      - * except get on secrets [apiGroups ""] in namespace kube-system')


def test_a_binding_moved_to_another_role_with_the_same_rules_changes_nothing() -> None:
    base = [k8s_role("a", SECRETS_GET), binding("b", "ClusterRole", "a", [user("alice")])]
    head = [k8s_role("c", SECRETS_GET), binding("b", "ClusterRole", "c", [user("alice")])]
    assert _text(base, head) == "Access diff BASE -> HEAD: no principal gains or loses access"


def test_cluster_wide_grant_narrowed_to_one_namespace() -> None:
    base = [k8s_role("a", SECRETS_GET), binding("b", "ClusterRole", "a", [user("alice")])]
    head = [k8s_role("a", SECRETS_GET), binding("b", "ClusterRole", "a", [user("alice")], namespace="dev")]
    assert _text(base, head).splitlines()[2:] == [
        "- ClusterRole a cluster-wide by ClusterRoleBinding b: 1 change (narrowing)",
        "    user:alice",
        '      - get on secrets [apiGroups ""] in every namespace except dev and at cluster scope',
    ]


def _trust(condition: dict[str, Any] | None, account: str = ACCOUNT) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
    if condition:
        st["Condition"] = condition
    return st


def _team(trust: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assume = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn("Ops")}
    return [iam_role("ops-role", "Ops", trust),
            rec("aws:iam/user:User", "alice", {"name": "alice"}, outputs={"arn": user_arn("alice")}),
            rec("aws:iam/userPolicy:UserPolicy", "alice-assume", {"user": "alice", "policy": policy(assume)}),
            access_entry("ops-entry", role_arn("Ops"), ["ops"])]  # fmt: skip


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_trust_loses_mfa_and_widens_to_another_account() -> None:
    head = _team([_trust(None), _trust(None, "444455556666")])
    assert _text(_team([_trust(MFA)]), head).splitlines()[2:] == [
        "+ sts:AssumeRole on role Ops: 1 change (widening)",
        f"    arn:aws:iam::{ACCOUNT}:user/alice",
        "      condition dropped on assuming role Ops: must sign in with MFA",
        "",
        "+ trust policy of role Ops: 2 changes (widening)",
        f"    arn:aws:iam::{ACCOUNT}:role/Ops",
        f"      condition dropped for AWS arn:aws:iam::{ACCOUNT}:root: must sign in with MFA",
        f"    arn:aws:iam::{ACCOUNT}:role/Ops",
        "      now trusts AWS arn:aws:iam::444455556666:root (trust widened to account 444455556666)",
    ]


def test_a_user_that_can_now_assume_a_role_gains_its_kubernetes_access() -> None:
    base = [*_team([{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}]),
            binding("ops-view", "ClusterRole", "view", [group("ops")])]  # fmt: skip
    head = [*_team([_trust(None)]), binding("ops-view", "ClusterRole", "view", [group("ops")])]
    lines = _text(base, head).splitlines()
    assert lines[:4] == [
        "Access diff BASE -> HEAD: 2 principals gain access, 0 lose access",  # alice, and role Ops's trust
        "",
        "+ ClusterRole view cluster-wide by ClusterRoleBinding ops-view: 7 changes (widening)",
        f"    arn:aws:iam::{ACCOUNT}:user/alice (assumes role Ops; as Kubernetes user "
        f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/{{{{SessionName}}}}, groups [ops])",
    ]
    assert lines[-7:] == ["+ sts:AssumeRole on role Ops: 1 change (widening)",
                          f"    arn:aws:iam::{ACCOUNT}:user/alice", "      can now assume role Ops", "",
                          "+ trust policy of role Ops: 1 change (widening)",
                          f"    arn:aws:iam::{ACCOUNT}:role/Ops", f"      now trusts AWS arn:aws:iam::{ACCOUNT}:root"]  # fmt: skip


def test_code_span_cannot_be_broken_out_of() -> None:
    """Outside a table (diff's list items) the escape package's code span keeps ``|`` as it is."""
    assert code("plain", table=False) == "`plain`"
    assert code("a`b", table=False) == "``a`b``"
    assert code("``x`", table=False) == "``` ``x` ```"
    assert code("x\n# heading", table=False) == "`x\\x0a# heading`"
    assert code(" padded ", table=False) == "`  padded  `"
    assert code("a|b", table=False) == "`a|b`"


def test_markdown_escapes_names_and_fits_the_limit() -> None:
    evil = "ops`](https://x)\n- **fake**"
    base = Analyzer.from_records([cluster(version="1.20")])
    head = Analyzer.from_records([cluster(version="1.20"), *_secrets(SECRETS_ALL)[:1],
                                  binding("ops-secrets", "Role", "secrets", [group(evil)], namespace="kube-system")])  # fmt: skip
    diff = diff_analyzers(base, head)
    text = render_markdown(diff)
    assert "  - ``group:ops`](https://x)\\x0a- **fake**``" in text.splitlines()
    short = render_markdown(diff, limit=277)
    assert short == "\n".join([
        "### eks-access diff: 1 principal gains access, 0 lose access",
        "",
        "",
        "3 more lines not shown (a GitHub comment holds 65536 characters); run `eks-access diff --format json` for all of them.",
        "",
    ])  # fmt: skip
    assert len(short) <= 277 < len(text)
    assert '"widens": true' in render_json(diff)

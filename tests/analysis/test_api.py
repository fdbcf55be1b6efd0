"""The Analyzer's Python API: the calls scripts and the e2e adapter make, with exact answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from eks_access import kubedata
from eks_access.analysis import Analyzer
from eks_access.analysis.commands import parse_context
from eks_access.analysis.requests import parse_request
from eks_access.errors import EksAccessError, UsageError
from tests.builders import ACCOUNT, DEV1, OPE1, build_dev_plan


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_records(build_dev_plan())


def test_kubernetes_can_i_takes_groups_literally(analyzer: Analyzer) -> None:
    yes = analyzer.kubernetes_can_i("alice", ["developers"], "list", resource="pods", namespace="dev-team")
    assert yes.allowed and yes.chain[0].fields["binding"] == "ClusterRoleBinding developers-view"
    # a SubjectAccessReview adds no group: without system:authenticated not even discovery
    assert not analyzer.kubernetes_can_i("alice", [], "get", path="/api").allowed
    assert analyzer.kubernetes_can_i("alice", ["system:authenticated"], "get", path="/api").allowed
    # attributes are literal: a RoleBinding applies to a namespace given even for a cluster-scoped kind
    assert analyzer.kubernetes_can_i("system:serviceaccount:dev-team:dev-k8s", [], "get", resource="pods",
                                     namespace="dev-team").allowed  # fmt: skip


def test_the_session_name_renders_the_username(dev_plan_resources: list[dict[str, object]]) -> None:
    real = Analyzer.from_records(dev_plan_resources)
    # the operators' trust requires session name = ${aws:username}: only "ope1" works
    forced = real.can_i(OPE1, "list", "nodes")
    assert (forced.chain[2].fields["username"], forced.conditions) == ("operators:ope1", ["session name must equal ope1"])
    given = real.can_i(OPE1, "list", "nodes", context={"sts:RoleSessionName": ["ope1"]})
    assert (given.chain[2].fields["username"], given.conditions, given.conditional) == ("operators:ope1", [], False)
    wrong = real.can_i(OPE1, "list", "nodes", context={"sts:RoleSessionName": ["ope1@corp"]})
    assert not wrong.allowed


def test_who_can_follows_roles_back_to_users(analyzer: Analyzer) -> None:
    entries = analyzer.who_can(analyzer.request("list", "pods", "infra-team"))
    shown = [(e.kind, e.principal.display) for e in entries]
    assert ("iam-user", DEV1) in shown and ("iam-user", OPE1) in shown
    assert ("iam-role", f"arn:aws:iam::{ACCOUNT}:role/EKSMyExampleViewer") in shown
    assert ("k8s-serviceaccount", "serviceaccount:infra-team:infra-k8s") in shown
    assert ("k8s-serviceaccount", "serviceaccount:dev-team:dev-k8s") not in shown
    dev1 = next(e for e in entries if e.principal.display == DEV1)
    assert [h.step for h in dev1.answer.chain] == ["membership", "assume", "mapping", "rbac"]


def test_versions(analyzer: Analyzer) -> None:
    assert analyzer.version == kubedata.DEFAULT_VERSION
    with pytest.raises(kubedata.UnsupportedVersion, match="is not supported; supported versions: "):
        Analyzer.from_records(build_dev_plan(), "1.2")
    versioned = build_dev_plan()
    versioned[1]["inputs"]["version"] = "1.9"
    with pytest.raises(EksAccessError, match=r"^cluster\.version: the cluster's Kubernetes version '1\.9' has no built-in RBAC data; pass --kubernetes-version \(supported: 1\.20, 1\.29, 1\.30, 1\.31, 1\.32, 1\.33, 1\.34, 1\.35, 1\.36\)$"):
        Analyzer.from_records(versioned)


def test_request_reading_notes(analyzer: Analyzer) -> None:
    assert analyzer.request("list", "nodes", "dev-team").notes == ("nodes is cluster-scoped: -n dev-team does not apply",)
    assert analyzer.request("list", "nodes", "dev-team").attrs.namespace == ""
    assert analyzer.request("get", "widgets").notes == (
        f"'widgets' is not a built-in resource of Kubernetes {analyzer.version}; asked in the core API group",)
    with pytest.raises(UsageError, match="may not contain '\\*' inside a name"):
        analyzer.request("get", "pod*")


@pytest.mark.parametrize(
    ("text", "groups", "message"),
    [
        ("user:alice", ["g\n"], "--as-group: 'g\\n' is not a group name (empty or with blanks)"),
        ("user:alice", [""], "--as-group: '' is not a group name (empty or with blanks)"),
        ("user:al ice", [], "--as: 'user:al ice' has an empty or blank name"),
        ("serviceaccount:default:x\ny", [], "--as: 'serviceaccount:default:x\\ny' must be serviceaccount:NAMESPACE:NAME"),
    ],
)
def test_subject_names_with_blanks_or_newlines_are_refused(text: str, groups: list[str], message: str) -> None:
    """A trailing newline passed a ``$``-anchored pattern and split the answer's lines."""
    from eks_access.analysis.principals import parse_principal

    with pytest.raises(UsageError) as info:
        parse_principal(text, groups)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_request("get", "pods", "default", "x\n"), "--name: 'x\\n' is not an object name"),
        (lambda: parse_context(["aws:x\n=1"]), "--context: 'aws:x\\n=1' is not KEY=VALUE (e.g. sts:RoleSessionName=dev1)"),
    ],
)
def test_request_arguments_with_a_trailing_newline_are_refused(call: Callable[[], object], message: str) -> None:
    """``$`` matches before a final newline: every analyzer argument pattern is matched whole."""
    with pytest.raises(UsageError) as info:
        call()
    assert str(info.value) == message


def test_arns_with_a_trailing_newline_are_not_identities() -> None:
    from eks_access.model.arns import account_root, parse_identity, parse_session

    assert parse_identity(f"arn:aws:iam::{ACCOUNT}:user/dev1\n") is None
    assert parse_session(f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/dev1\n") is None
    assert account_root(f"{ACCOUNT}\n") is None
    assert account_root(f"arn:aws:iam::{ACCOUNT}:root\n") is None
    assert account_root(f"arn:aws:iam::{ACCOUNT}:root") == ACCOUNT
    assert parse_identity(f"arn:aws:iam::{ACCOUNT}:user/team/dev1") is not None

"""Shipped AWS data: exact managed-policy documents and EKS access-policy rules."""

from __future__ import annotations

import pytest

from eks_access.awsdata import (
    KNOWN_ACCESS_POLICIES,
    KNOWN_MANAGED_POLICIES,
    access_policy,
    managed_policy,
)
from eks_access.awsdata.vendor import MANAGED_POLICY_NAMES, cell_values, table_rules

ARN = "arn:aws:iam::aws:policy/"
MOTO = ("moto 5.2.6 moto/iam/aws_managed_policies.py (IAM ListPolicies Scope=AWS + GetPolicyVersion of each "
        "DefaultVersionId, by moto's scripts/update_managed_policies.py)")


def test_every_named_policy_is_shipped() -> None:
    assert {ARN + n for n in MANAGED_POLICY_NAMES} == KNOWN_MANAGED_POLICIES
    assert len(KNOWN_MANAGED_POLICIES) == 20


def test_administrator_access_exact() -> None:
    p = managed_policy(ARN + "AdministratorAccess")
    assert p is not None
    assert (p.name, p.arn, p.version_id, p.create_date) == (
        "AdministratorAccess", ARN + "AdministratorAccess", "v1", "2015-02-06T18:39:46+00:00")
    assert p.document == {"Version": "2012-10-17", "Statement": [{"Action": "*", "Resource": "*", "Effect": "Allow"}]}
    assert p.source == f"{MOTO}: moto/iam/aws_managed_policies.py AdministratorAccess"
    assert p.retrieved == "2026-10-31T13:37:06+00:00"


def test_power_user_first_statement_is_a_not_action() -> None:
    p = managed_policy(ARN + "PowerUserAccess")
    assert p is not None and p.version_id == "v12"
    assert p.document["Statement"][0] == {
        "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*", "Effect": "Allow"}
    assert p.document["Statement"][1]["Action"][4:7] == ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"]


def test_cni_policy_v6_scopes_create_tags_to_network_interfaces() -> None:
    p = managed_policy(ARN + "AmazonEKS_CNI_Policy")
    assert p is not None and p.version_id == "v6"
    assert p.document["Statement"][1] == {
        "Action": ["ec2:CreateTags"], "Effect": "Allow", "Resource": ["arn:aws:ec2:*:*:network-interface/*"],
        "Sid": "AmazonEKSCNIPolicyENITag"}  # fmt: skip


def test_s3_read_only_exact() -> None:
    p = managed_policy(ARN + "AmazonS3ReadOnlyAccess")
    assert p is not None and p.version_id == "v3"
    assert p.document["Statement"] == [{
        "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
        "Resource": "*", "Effect": "Allow"}]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "version"),
    [("AmazonEKSClusterPolicy", "v10"), ("AmazonEKSWorkerNodePolicy", "v3"), ("AmazonEKS_CNI_Policy", "v6"),
     ("AmazonEC2ContainerRegistryReadOnly", "v3"), ("ReadOnlyAccess", "v191"), ("IAMFullAccess", "v2"),
     ("CloudWatchReadOnlyAccess", "v25"), ("SecretsManagerReadWrite", "v6"), ("AWSLambda_FullAccess", "v7")],
)
def test_default_version_ids(name: str, version: str) -> None:
    p = managed_policy(ARN + name)
    assert p is not None and p.version_id == version and p.document["Version"] == "2012-10-17"


def test_unknown_policy_is_none_not_empty() -> None:
    assert managed_policy(ARN + "AmazonRedshiftFullAccess") is None
    assert managed_policy("arn:aws:iam::111122223333:policy/AdministratorAccess") is None


def test_view_policy_rules_exact() -> None:
    p = access_policy("AmazonEKSViewPolicy")
    assert p is not None
    assert p.arn == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
    assert access_policy(p.arn) == p
    assert len(p.rules) == 10
    assert p.rules[0] == {
        "apiGroups": ["apps"],
        "resources": ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                      "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
                      "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"],
        "verbs": ["get", "list", "watch"],
    }  # fmt: skip
    assert p.rules[8]["resources"][-1] == "resourcequotas/status"  # the page's r``esource... typo
    assert not any("secrets" in r.get("resources", []) for r in p.rules)
    assert p.source.startswith("EKS User Guide, Review access policy permissions")


def test_cluster_admin_and_admin_view() -> None:
    admin = access_policy("AmazonEKSClusterAdminPolicy")
    assert admin is not None and admin.rules == (
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
        {"nonResourceURLs": ["*"], "verbs": ["*"]},
    )
    view = access_policy("AmazonEKSAdminViewPolicy")
    assert view is not None and view.rules == ({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]},)


def test_edit_and_admin_differ_by_rbac_and_local_reviews() -> None:
    edit, admin = access_policy("AmazonEKSEditPolicy"), access_policy("AmazonEKSAdminPolicy")
    assert edit is not None and admin is not None
    assert len(edit.rules) == 20 and len(admin.rules) == 22
    extra = [r for r in admin.rules if r not in edit.rules]
    assert extra == [
        {"apiGroups": ["authorization.k8s.io"], "resources": ["localsubjectaccessreviews"], "verbs": ["create"]},
        {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "roles"],
         "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]},
    ]  # fmt: skip
    assert {"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]} in edit.rules


def test_unpublished_policies_are_known_but_have_no_rules() -> None:
    assert "AmazonEKSAutoNodePolicy" in KNOWN_ACCESS_POLICIES
    assert access_policy("AmazonEKSAutoNodePolicy") is None
    assert access_policy("AmazonEKSNoSuchPolicy") is None
    assert len(KNOWN_ACCESS_POLICIES) == 15


def test_adoc_cells_and_tables() -> None:
    assert cell_values("````get``, `list`, `watch```") == ["get", "list", "watch"]
    assert cell_values("``\\*``") == ["*"]
    assert cell_values("``+*+``") == ["*"]
    assert cell_values("`get`,``list``, `watch`") == ["get", "list", "watch"]
    assert cell_values("") == []
    table = "|===\n|Kubernetes API groups\n|Kubernetes nonResourceURLs\n|Kubernetes resources\n" \
            "|Kubernetes verbs (permissions)\n\n|`apps`\n|\n|`deployments`\n|`get`\n\n|\n|`/healthz`\n|\n|`get`\n|==="
    assert table_rules(table) == [
        {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]},
        {"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
    ]


def test_eks_versions_follow_the_calendar_day_by_day() -> None:
    """Support starts on the EKS release day, extended support on the end-of-standard day (billing
    starts at its beginning, UTC) and creation stops on the end-of-extended day."""
    import datetime as dt

    from eks_access.awsdata import eks_versions

    v = eks_versions()
    day = dt.date.fromisoformat
    assert (v.as_of, v.source) == (day("2026-12-06"), "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html")
    assert [r.version for r in v.releases] == ["1.36", "1.35", "1.34", "1.33", "1.32", "1.31", "1.30", "1.29", "1.28", "1.27"]
    assert v.describe(day("2026-12-06")) == "standard support 1.36, 1.35; extended support 1.34, 1.33, 1.32"
    assert v.describe(day("2025-12-01")) == "standard support 1.34, 1.33, 1.32; extended support 1.31, 1.30, 1.29"
    row = v.release("1.34")
    assert row is not None
    assert [row.support(day(d)) for d in ("2025-10-01", "2025-10-02", "2026-12-01", "2026-12-02", "2027-12-01", "2027-12-02")] == [
        None, "standard", "standard", "extended", "extended", None]  # fmt: skip
    assert v.problem("1.36", day("2026-06-01")) == (
        "EKS does not offer Kubernetes 1.36 before 2026-06-02; on 2026-06-01 EKS offers standard support 1.35, 1.34, 1.33; "
        "extended support 1.32, 1.31, 1.30")
    assert v.problem("1.32", day("2027-03-23")) == (
        "EKS no longer creates clusters on Kubernetes 1.32: its extended support ended 2027-03-23 and EKS moves such control "
        "planes to 1.33; on 2027-03-23 EKS offers standard support 1.36, 1.35; extended support 1.34, 1.33")
    assert v.problem("1.32", day("2027-03-22")) is None


def test_the_clock_reads_eks_access_today(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from eks_access import clock
    from eks_access.errors import EksAccessError

    monkeypatch.setenv("EKS_ACCESS_TODAY", "2027-03-23")
    assert clock.today() == dt.date(2027, 3, 23)
    for bad in ("2027-3-23", "20270323", "2027-02-30", "tomorrow", "2027-03-23\n"):
        monkeypatch.setenv("EKS_ACCESS_TODAY", bad)
        with pytest.raises(EksAccessError) as err:
            clock.today()
        assert str(err.value) == f"EKS_ACCESS_TODAY: {bad!r} is not a date as YYYY-MM-DD".replace("\n", "\\n")
    monkeypatch.delenv("EKS_ACCESS_TODAY")
    assert clock.today() == dt.datetime.now(dt.timezone.utc).date()


def test_the_default_cluster_version_is_the_newest_shipped_standard_one() -> None:
    from eks_access.awsdata import eks_versions
    from eks_access.kubedata import SUPPORTED_VERSIONS
    from eks_access.kubedata.versions import minor_key
    from eks_access.spec.model import ClusterSpec
    from eks_access.spec.versions import DEFAULT_CLUSTER_VERSION, cluster_version_problem

    known = eks_versions()
    shipped_standard = [v for v in known.offered(known.as_of, "standard") if v in SUPPORTED_VERSIONS]
    shipped_offered = [v for v in known.offered(known.as_of) if v in SUPPORTED_VERSIONS]
    expected = max(shipped_standard or shipped_offered, key=minor_key)
    assert expected == DEFAULT_CLUSTER_VERSION, "move DEFAULT_CLUSTER_VERSION (a release decision) and say so"
    assert DEFAULT_CLUSTER_VERSION == "1.36"
    assert (ClusterSpec("c").kubernetes_version, ClusterSpec("c", version="1.30").kubernetes_version) == ("1.36", "1.30")
    assert [v for v in ("1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37")
            if cluster_version_problem(v) is None] == ["1.32", "1.33", "1.34", "1.35", "1.36"]  # on 2026-12-06 (conftest)


def test_managed_policies_are_the_installed_motos_when_it_is_the_vendored_version() -> None:
    """The vendored documents are moto's copies of IAM's default versions, byte for byte; a newer
    moto may carry newer versions (then re-vendor: ``vendor.py moto EKS_GUIDE_GIT_DIR``)."""
    import json

    import moto
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    if moto.__version__ != "5.2.6":
        pytest.skip(f"moto {moto.__version__} installed; the data is moto 5.2.6's")
    theirs = json.loads(aws_managed_policies_data)
    for name in MANAGED_POLICY_NAMES:
        p = managed_policy(ARN + name)
        assert p is not None
        assert (p.version_id, p.create_date, p.document) == (
            theirs[name]["DefaultVersionId"], theirs[name]["UpdateDate"], theirs[name]["Document"])


def test_every_day_and_release_has_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every calendar boundary (and the day before it) and the 1st of every month from 2023 to 2030,
    for every release the calendar names and some it does not: an answer in words, never an
    exception; a release is refused exactly when it is not offered that day, and EKS-VERSION speaks
    exactly when it is refused or in extended support."""
    import datetime as dt

    from eks_access.awsdata import eks_versions
    from eks_access.guardrails import run_checks
    from tests.builders import cluster

    known = eks_versions()
    versions = [r.version for r in known.releases] + ["1.26", "1.37", "1.40"]
    edges = {d for r in known.releases for d in (r.eks_release, r.end_of_standard, r.end_of_extended)}
    days = sorted({*edges, *(d - dt.timedelta(days=1) for d in edges),
                   *(dt.date(y, m, 1) for y in range(2023, 2031) for m in range(1, 13))})  # fmt: skip
    for day in days:
        assert known.describe(day)
        monkeypatch.setenv("EKS_ACCESS_TODAY", day.isoformat())
        for version in versions:
            problem, row = known.problem(version, day), known.release(version)
            assert (problem is None) == (version in known.offered(day))
            found = [f for f in run_checks([cluster(version=version)]) if f.rule == "EKS-VERSION"]
            speaks = problem is not None or (row is not None and row.support(day) == "extended")
            assert len(found) == int(speaks), (day, version)

"""A snapshot of the live API server, taken by the collector with the official client, answers
as the server does: every question of the e2e corpus asked as a SubjectAccessReview and through
``Analyzer.kubernetes_can_i`` over the model read from the snapshot (the server's own RBAC
objects, bootstrap policy included, in place of the shipped data)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kubernetes import client

from eks_access.analysis import Analyzer
from eks_access.kubedata import normalize_version
from eks_access.model.from_snapshot import read_snapshot
from eks_access.snapshot.collect import Denied, collect_kubernetes
from tests.e2e import cluster, controlplane, discovery, openshift
from tests.e2e.conftest import Applied
from tests.e2e.questions import all_questions, granted_beyond_masters


def test_snapshot_of_the_live_server_agrees_with_subject_access_review(control_plane: controlplane.ControlPlane,
                                                                         api: client.ApiClient, applied: Applied) -> None:  # fmt: skip
    denied = Denied()
    k8s = collect_kubernetes(api, denied)
    assert denied.calls == []
    assert not any(o["metadata"]["name"] == "aws-auth" for o in k8s["serviceAccounts"])
    assert k8s["discovery"] == {"resources": discovery.discover(control_plane), "unavailable": []}  # the client's = raw HTTP's
    doc = {"format": "eks-access-snapshot", "version": 2, "account": "111122223333", "partition": "aws",
           "iam": {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
                   "OpenIDConnectProviderList": []},
           "eks": {"cluster": None, "accessEntries": [], "podIdentityAssociations": [], "addons": []}, "kubernetes": k8s, "denied": []}  # fmt: skip
    version = normalize_version(discovery.server_version(control_plane))
    carries = openshift.server_carries(version, controlplane.get_json(control_plane, "/version"))
    analyzer = Analyzer(read_snapshot(doc), version)
    questions = all_questions(version)
    with ThreadPoolExecutor(max_workers=4) as pool:
        server = list(pool.map(lambda q: cluster.server_allows(api, q), questions))
    disagreements = []
    for q, live in zip(questions, server, strict=True):
        mine = analyzer.kubernetes_can_i(q.who.user, q.who.groups, q.verb, resource=q.resource, subresource=q.subresource,
                                         api_group=q.group, namespace=q.namespace, name=q.name, path=q.path).allowed  # fmt: skip
        if mine != live and openshift.explain(q, live, carries) is None:  # an OpenShift build's carries, as test_authorization
            disagreements.append(f"server {'yes' if live else 'no '}: {q.describe()}")
    print(f"\ne2e snapshot [Kubernetes {version}{', OpenShift build' if carries else ''}]: {len(questions)} questions, "
          f"{len(disagreements)} unexplained disagreements; "
          f"{len(k8s['clusterRoles'])} ClusterRoles, {len(k8s['clusterRoleBindings'])} ClusterRoleBindings collected")  # fmt: skip
    assert granted_beyond_masters(questions, server) > len(questions) // 40  # fixtures applied
    assert disagreements == []

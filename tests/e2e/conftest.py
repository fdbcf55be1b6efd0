"""Fixtures of the e2e suite: one live control plane per session, the dev plan and the corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes import client

from tests.e2e import cluster, controlplane

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).with_name("corpus.yaml")


@pytest.fixture(scope="session")
def control_plane() -> Iterator[controlplane.ControlPlane]:
    cp = controlplane.start()  # AssetsMissing fails the run: make e2e never skips silently
    try:
        yield cp
    finally:
        cp.stop()


@pytest.fixture(scope="session")
def api(control_plane: controlplane.ControlPlane) -> Iterator[client.ApiClient]:
    with cluster.api_client(control_plane) as a:
        cluster.wait_for_aggregation(a, {"view": 1, "edit": 1, "admin": 1})
        yield a


@dataclass(frozen=True)
class Applied:
    records: list[dict[str, Any]]
    manifests: list[dict[str, Any]]


@pytest.fixture(scope="session")
def applied(api: client.ApiClient, tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """The dev plan's rendered manifests and the RBAC corpus, on the server and as records."""
    out = tmp_path_factory.mktemp("plan")
    subprocess.run([sys.executable, "-m", "eks_access", "plan", "--stack", "dev", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    records: list[dict[str, Any]] = json.loads((out / "plan.json").read_text())
    plan_manifests = [yaml.safe_load(p.read_text()) for p in sorted((out / "manifests").glob("*.yaml"))]
    corpus = [d for d in yaml.safe_load_all(CORPUS.read_text()) if d]
    view_rules = len(client.RbacAuthorizationV1Api(api).read_cluster_role("view").rules or [])
    cluster.apply_all(api, [*plan_manifests, *corpus])
    # e2e-aggregate gathers two roles; e2e-widgets-view adds one rule to view (and so edit, admin)
    cluster.wait_for_aggregation(api, {"e2e-aggregate": 2, "view": view_rules + 1})
    return Applied([*records, *(cluster.as_record(m) for m in corpus)], [*plan_manifests, *corpus])

"""docs/examples/migrate/live-config-map.json: the dev stack deployed in CONFIG_MAP mode, as a live
snapshot reads it (tests/snapshot/deployed.py), with the aws-auth ConfigMap pulumi-eks wrote for it
(the teams' roleMappings and the node group's instanceRoles row) and, added by hand the way live
estates grow, a Fargate profile's pod execution role row. No access entry shows in CONFIG_MAP mode.
The caller is the deployer (the cluster creator, whose admin EKS keeps outside aws-auth: not in the
snapshot, so not guarded). ``docs/examples/migrate/snapshot.txt`` and ``docs/examples/migrate/out/`` are a real run
of ``eks-access migrate --snapshot live-config-map.json --out out`` in that directory.

Regenerate all three with ``.venv/bin/python -m tests.analysis.migrate.example``
(tests/cli/test_migrate_snapshot.py keeps them current).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from tests.analysis.migrate.corpora import run
from tests.snapshot.deployed import ACCOUNT, CREATED, deploy

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "migrate"
SNAPSHOT = EXAMPLE / "live-config-map.json"
FARGATE = {"rolearn": f"arn:aws:iam::{ACCOUNT}:role/myeks-fargate-pods", "username": "system:node:{{SessionName}}",
           "groups": ["system:bootstrappers", "system:nodes", "system:node-proxier"]}  # fmt: skip


def config_map_records() -> list[dict[str, Any]]:
    """The dev stack's plan with ``cluster.authenticationMode: CONFIG_MAP``."""
    from eks_access.config.stackfile import read_config_file
    from eks_access.offline import plan_config

    config = read_config_file(EXAMPLE.parents[2] / "Pulumi.dev.yaml")
    config["team-cluster:cluster"]["authenticationMode"] = "CONFIG_MAP"
    return list(plan_config(config, stack="dev").resources)


def build_example(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    from eks_access.analysis import Analyzer

    doc = deploy(records)
    rows = [{"rolearn": m.principal_arn, "username": m.username, "groups": list(m.groups)}
            for m in Analyzer.from_records(records).model.eks.mappings if m.mechanism == "aws-auth" and m.kind == "role"]  # fmt: skip
    doc["collectedAt"] = "2026-02-02T08:00:00+00:00"
    doc["caller"] = f"arn:aws:iam::{ACCOUNT}:user/offline-plan-deployer"
    doc["eks"]["accessEntries"] = []  # none in CONFIG_MAP mode: the access entry API refuses (snapshot/collect.py)
    doc["kubernetes"]["awsAuth"] = {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aws-auth", "namespace": "kube-system", "uid": "5e0c0a52-6f0e-4c1e-9d43-2b7f1f0c2a11",
                     "resourceVersion": "1207", "creationTimestamp": CREATED},
        "data": {"mapRoles": yaml.safe_dump([*rows, FARGATE], sort_keys=False)},
    }  # fmt: skip
    return doc


def migrate(doc: dict[str, Any], workdir: Path) -> tuple[int, str]:
    (workdir / SNAPSHOT.name).write_text(json.dumps(doc, indent=1) + "\n")
    code, out, err = run("example", doc, workdir, snapshot=SNAPSHOT.name)
    assert err == "", err
    return code, out


def main(argv: Sequence[str] = ()) -> int:
    doc = build_example(config_map_records())
    EXAMPLE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        code, out = migrate(doc, Path(tmp))
        shutil.rmtree(EXAMPLE / "out", ignore_errors=True)
        shutil.copytree(Path(tmp) / "out", EXAMPLE / "out")
    SNAPSHOT.write_text(json.dumps(doc, indent=1) + "\n")
    (EXAMPLE / "snapshot.txt").write_text(out)
    print(f"wrote {SNAPSHOT}, {EXAMPLE / 'snapshot.txt'} and {EXAMPLE / 'out'} (exit {code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

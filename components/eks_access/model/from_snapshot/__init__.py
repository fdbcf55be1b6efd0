"""The ONE reader from a live-estate snapshot (docs/snapshot-format.md) into the access model.

``read_snapshot(document)`` checks the envelope, restates every object as the record the plan
reader parses (``records.py``: one parser per kind of fact, shared with plans), marks what EKS
and Kubernetes made on their own (``implicit.py``) and carries the refused calls into
``model.denied``, so every answer they could change says so. A value of the wrong shape is a
:class:`SnapshotError` naming the snapshot key path or the object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from eks_access.errors import PlanError
from eks_access.model.access_model import AccessModel
from eks_access.model.from_plan import read_model
from eks_access.model.from_snapshot.discovery import served
from eks_access.model.from_snapshot.document import (
    FORMAT,
    VERSION,
    SnapshotError,
    check_document,
    denied,
)
from eks_access.model.from_snapshot.implicit import Implicit
from eks_access.model.from_snapshot.records import (
    capabilities,
    eks_records,
    iam_records,
    kubernetes_records,
)

__all__ = ["FORMAT", "VERSION", "SnapshotError", "read_snapshot", "snapshot_records"]


def snapshot_records(document: Any) -> list[dict[str, Any]]:
    """The records the snapshot's objects restate (for ``check``, which reads records too)."""
    doc = check_document(document)
    eks: Mapping[str, Any] = doc["eks"]
    implicit = Implicit(eks["cluster"], list(eks["accessEntries"]), capabilities(eks))
    k8s: Mapping[str, Any] = doc["kubernetes"]
    return [*iam_records(doc["iam"]), *eks_records(eks, implicit, k8s["serverVersion"], doc.get("cluster")),
            *kubernetes_records(k8s, implicit)]  # fmt: skip


def read_snapshot(document: Any) -> AccessModel:
    records = snapshot_records(document)
    try:
        model = read_model(records)
    except PlanError as err:
        raise SnapshotError(str(err).replace("plan record ", "snapshot object ", 1)) from None
    return dataclasses.replace(model, account=document["account"], partition=document["partition"],
                               denied=denied(document), discovery=served(document["kubernetes"]))  # fmt: skip

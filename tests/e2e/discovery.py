"""Read a live API server's discovery documents into the shape of kubedata's api-resources.json.

``python -m tests.e2e.discovery OUT.json`` starts a throw-away control plane from
``$KUBEBUILDER_ASSETS`` and writes its discovery there: how ``data/<version>/api-resources.json``
is made for a version whose server can run here. The e2e tests compare a live server with the
vendored file through the same function, so the two can never silently diverge.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from eks_access.kubedata.resources import api_resource_list, preferred_group_versions
from tests.e2e import controlplane


def discover(cp: controlplane.ControlPlane) -> list[dict[str, Any]]:
    """Every resource once (first preferred version that serves it), subresources folded in."""
    order = preferred_group_versions(controlplane.get_json(cp, "/api"), controlplane.get_json(cp, "/apis"))

    def resources_of(group: str, version: str) -> Any:
        return controlplane.get_json(cp, f"/api/{version}" if not group else f"/apis/{group}/{version}")["resources"]

    return api_resource_list(order, resources_of)


def server_version(cp: controlplane.ControlPlane) -> str:
    return str(controlplane.get_json(cp, "/version")["gitVersion"])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.e2e.discovery OUT.json", file=sys.stderr)
        return 2
    cp = controlplane.start()
    try:
        doc = {
            "source": f"discovery of a live kube-apiserver {server_version(cp)} "
                      "(tests/e2e/discovery.py)",
            "resources": discover(cp),
        }  # fmt: skip
    finally:
        cp.stop()
    Path(argv[0]).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

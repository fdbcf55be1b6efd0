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

from tests.e2e import controlplane


def group_versions(cp: controlplane.ControlPlane) -> list[tuple[str, str]]:
    """(group, version) in the server's order of preference: core first, then /apis."""
    out = [("", str(v)) for v in controlplane.get_json(cp, "/api")["versions"]]
    for g in controlplane.get_json(cp, "/apis")["groups"]:
        preferred = g["preferredVersion"]["version"]
        versions = [str(v["version"]) for v in g["versions"]]
        out += [(str(g["name"]), v) for v in sorted(versions, key=lambda v: v != preferred)]
    return out


def discover(cp: controlplane.ControlPlane) -> list[dict[str, Any]]:
    """Every resource once (first preferred version that serves it), subresources folded in."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for group, version in group_versions(cp):
        path = f"/api/{version}" if not group else f"/apis/{group}/{version}"
        for r in controlplane.get_json(cp, path)["resources"]:
            base, _, sub = str(r["name"]).partition("/")
            key = (group, base)
            if not sub and key not in found:
                found[key] = {"name": base, "group": group, "version": version,
                              "namespaced": bool(r["namespaced"]), "kind": r["kind"],
                              "verbs": sorted(r.get("verbs") or []), "subresources": {}}  # fmt: skip
            elif sub and found.get(key, {}).get("version") == version:
                found[key]["subresources"][sub] = {"kind": r["kind"], "verbs": sorted(r.get("verbs") or [])}
    return [found[k] for k in sorted(found)]


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

"""docs/kubernetes-versions.md, generated from kubedata: ``python -m eks_access.analysis.versions_doc``.

For each pair of consecutive shipped releases, what the user-facing built-in ClusterRoles allow in
the newer one and not the older (and the reverse), after aggregation, as the analyzer judges them;
and which resources the API server serves by default. tests/analysis/test_versions_doc.py fails
when the document and the data disagree.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Sequence

from eks_access.authz.rbac.policy import RbacPolicy
from eks_access.awsdata import eks_versions
from eks_access.kubedata import SUPPORTED_VERSIONS, api_resources
from eks_access.kubedata.versions import index
from eks_access.model import read_model
from eks_access.model.k8s import PolicyRule

#: The roles a user binds or is given by default (``system:authenticated`` holds the last four).
ROLES = ("view", "edit", "admin", "cluster-admin", "system:monitoring",
         "system:basic-user", "system:discovery", "system:public-info-viewer")  # fmt: skip

HEADER = """# What the built-in roles allow, release by release

Generated from the shipped data (`components/eks_access/kubedata/data/`) by
`python -m eks_access.analysis.versions_doc > docs/kubernetes-versions.md`; a test checks this file
matches it. For each pair of consecutive shipped releases: the permissions each user-facing
ClusterRole gains and loses (after aggregation, as `can-i` judges them: one line per resource,
`resource.group`, with `names=` for rules limited to named objects, or non-resource URL, followed by
its verbs), and the resources the API server serves by default that appear or disappear.
Built-in roles follow each release's default feature gates. Releases not shipped (1.21-1.28) are
skipped, so a step may span several upstream releases.

Use it to see how access changes when an EKS cluster is upgraded: `can-i --kubernetes-version X.Y`
answers any single question with another release's roles. EKS updates a control plane one minor
release at a time, so an upgrade crosses every step between its two releases; EKS's dates below are
its release calendar as eks-access ships it (`components/eks_access/awsdata/data/SOURCE.md`).
"""


Grant = tuple[str, str]  # (target: ``resource.group``, ``/url`` or ``... names=a,b``; verb)


def permissions(rules: Iterable[PolicyRule]) -> set[Grant]:
    """One (target, verb) per grant of ``rules``."""
    out: set[Grant] = set()
    for r in rules:
        names = f" names={','.join(r.resource_names)}" if r.resource_names else ""
        for verb in r.verbs:
            out.update((url, verb) for url in r.non_resource_urls)
            for group in r.api_groups:
                out.update((f"{res}{'.' + group if group else ''}{names}", verb) for res in r.resources)
    return out


def _by_target(grants: set[Grant]) -> list[str]:
    targets = sorted({t for t, _ in grants})
    return [f"`{t}`: {', '.join(sorted(v for tt, v in grants if tt == t))}" for t in targets]


def _role_permissions(version: str) -> dict[str, set[Grant]]:
    policy = RbacPolicy(read_model([]), version)
    return {name: permissions(policy.cluster_roles[name].rules) for name in ROLES if name in policy.cluster_roles}


def _served(version: str) -> set[str]:
    return set(api_resources(version))


def _lines(title: str, gained: list[str], lost: list[str]) -> list[str]:
    if not gained and not lost:
        return []
    out = [f"### {title}", ""]
    out += [f"- gains {p}" for p in gained]
    out += [f"- loses {p}" for p in lost]
    return [*out, ""]


def _step(old: str, new: str) -> list[str]:
    before, after = _role_permissions(old), _role_permissions(new)
    out = [f"## {old} -> {new}", ""]
    body: list[str] = []
    for name in ROLES:
        a, b = before.get(name, set()), after.get(name, set())
        body += _lines(f"`{name}`", _by_target(b - a), _by_target(a - b))
    old_served, new_served = _served(old), _served(new)
    body += _lines("served resources", [f"`{r}`" for r in sorted(new_served - old_served)],
                   [f"`{r}`" for r in sorted(old_served - new_served)])  # fmt: skip
    return out + (body or ["No change.", ""])


def _releases() -> list[str]:
    return [f"- {v}: {index()[v]['tag']} ({index()[v]['repository']} {index()[v].get('branch', index()[v]['tag'])}){_on_eks(v)}"
            for v in SUPPORTED_VERSIONS]  # fmt: skip


def _on_eks(version: str) -> str:
    """EKS's dates for the release (the calendar in ``awsdata``), or that the calendar has none."""
    row = eks_versions().release(version)
    if row is None:
        return "; older than the EKS calendar eks-access ships (kept for `make e2e`'s local API server)"
    return (f"; on EKS from {row.eks_release.isoformat()}, standard support until {row.end_of_standard.isoformat()}, "
            f"extended support until {row.end_of_extended.isoformat()}")  # fmt: skip


def render(versions: Sequence[str] = SUPPORTED_VERSIONS) -> str:
    lines = [HEADER, "Shipped releases:", "", *_releases(), ""]
    for old, new in itertools.pairwise(versions):
        lines += _step(old, new)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())

"""What EKS refuses when HEAD is applied over a deployed BASE: cluster updates it cannot make.

A plan alone cannot know these: they are about the step from the deployed cluster to the new one,
which only a diff of the two plans sees.

* Kubernetes version: "Because Amazon EKS runs a highly available control plane, you can update
  only one minor version at a time", and a cluster's version cannot be lowered (EKS User Guide,
  "Update existing cluster to new Kubernetes version",
  https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html; UpdateClusterVersion).
* Authentication mode: EKS changes it one way only, one step at a time, ``CONFIG_MAP`` ->
  ``API_AND_CONFIG_MAP`` -> ``API`` (``model.eks.mode_change_problem``, sources there).
"""

from __future__ import annotations

from eks_access.model import AccessModel
from eks_access.model.eks import mode_change_problem


def _minor(version: str) -> tuple[int, int] | None:
    parts = version.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def update_refusals(base: AccessModel, head: AccessModel) -> list[str]:
    """One line per cluster update EKS would refuse, HEAD applied over BASE; [] when none."""
    old, new = base.cluster, head.cluster
    if old is None or new is None or old.name != new.name:
        return []  # no cluster, or a different cluster: created, not updated
    name = f"cluster {old.name!r}" if old.name else "the cluster"
    out: list[str] = []
    if old.version and new.version and old.version != new.version:
        a, b = _minor(old.version), _minor(new.version)
        if a is not None and b is not None and (b < a or b[0] != a[0] or b[1] > a[1] + 1):
            why = ("EKS cannot lower a cluster's Kubernetes version" if b < a else
                   f"EKS updates a control plane one minor version at a time: apply {a[0]}.{a[1] + 1} first")
            out.append(f"{name}: version {old.version} -> {new.version}: {why} (update-cluster.html)")
    before, after = base.authentication_mode, head.authentication_mode
    if not (base.mode_inferred or head.mode_inferred) and before != after:
        problem = mode_change_problem(before, after)
        if problem is not None:
            out.append(f"{name}: {problem}")
    return out

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

from eks_access.kubedata.versions import minor_key, minor_of
from eks_access.model import AccessModel
from eks_access.model.eks import mode_change_problem


def _version_step(old: str, new: str) -> str | None:
    """Why EKS refuses UpdateClusterVersion from ``old`` to ``new``, or None (the same release, or the next)."""
    a, b = minor_of(old), minor_of(new)
    if a is None or b is None or a == b:
        return None
    (major, minor), target = minor_key(a), minor_key(b)
    if target < (major, minor):
        return "EKS cannot lower a cluster's Kubernetes version"
    if target != (major, minor + 1):
        return f"EKS updates a control plane one minor version at a time: apply {major}.{minor + 1} first"
    return None


def update_refusals(base: AccessModel, head: AccessModel) -> list[str]:
    """One line per cluster update EKS would refuse, HEAD applied over BASE; [] when none."""
    old, new = base.cluster, head.cluster
    if old is None or new is None or old.name != new.name:
        return []  # no cluster, or a different cluster: created, not updated
    name = f"cluster {old.name!r}" if old.name else "the cluster"
    out: list[str] = []
    why = _version_step(old.version, new.version) if old.version and new.version else None
    if why is not None:
        out.append(f"{name}: version {old.version} -> {new.version}: {why} (update-cluster.html)")
    before, after = base.authentication_mode, head.authentication_mode
    if not (base.mode_inferred or head.mode_inferred) and before != after:
        problem = mode_change_problem(before, after)
        if problem is not None:
            out.append(f"{name}: {problem}")
    return out

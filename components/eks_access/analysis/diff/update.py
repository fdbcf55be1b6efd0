"""What EKS refuses when HEAD is applied over a deployed BASE: cluster updates it cannot make.

A plan alone cannot know these: they are about the step from the deployed cluster to the new one,
which only a diff of the two plans sees.

* Kubernetes version: "Because Amazon EKS runs a highly available control plane, you can update
  only one minor version at a time", and a cluster's version cannot be lowered (EKS User Guide,
  "Update existing cluster to new Kubernetes version",
  https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html; UpdateClusterVersion).
* Authentication mode: EKS changes it one way only, ``CONFIG_MAP`` -> ``API_AND_CONFIG_MAP`` ->
  ``API`` (EKS User Guide, "Change authentication mode to use access entries",
  https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html: "Once the
  access entry method is enabled, it cannot be disabled"; UpdateClusterConfig accessConfig).
"""

from __future__ import annotations

from eks_access.model import AccessModel
from eks_access.model.eks import AUTHENTICATION_MODE_ORDER as MODE_ORDER


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
    if not (base.mode_inferred or head.mode_inferred) and base.authentication_mode != head.authentication_mode:
        before, after = base.authentication_mode, head.authentication_mode
        if MODE_ORDER.index(after) < MODE_ORDER.index(before):
            out.append(f"{name}: authenticationMode {before} -> {after}: EKS changes the mode one way only, "
                       f"{' -> '.join(MODE_ORDER)} (setting-up-access-entries.html)")  # fmt: skip
    return out

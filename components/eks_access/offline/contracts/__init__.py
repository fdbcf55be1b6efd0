"""The offline world refuses what the real world refuses.

After the program has run, every record (with the implicit ones EKS adds) is checked against
the rules AWS IAM, EKS, pulumi-eks and Kubernetes enforce, and against the rule that two
resources must never manage one object. Each module names its upstream sources; each rule has
a test in tests/offline/. The first violation, in a fixed order (module, then record order), is
raised as a :class:`ContractError` so the CLI prints one line and exits 2 before writing
anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from eks_access.limits import IamQuotas
from eks_access.offline.contracts import eks, iam, kubernetes, pulumi_eks, quotas
from eks_access.offline.contracts.base import ContractError, Plan, Record, Violation, resource_key

__all__ = ["ContractError", "Violation", "check_plan", "raise_first", "resource_key"]

_MODULES = (pulumi_eks, iam, quotas, eks, kubernetes)


def check_plan(
    records: Sequence[Record], providers: Mapping[str, str] | None = None, iam_quotas: IamQuotas | None = None
) -> list[Violation]:
    """Every violation in ``records``; ``providers`` maps ``type::name`` to the provider's logical
    name; ``iam_quotas`` are the account's adjustable IAM quotas (AWS defaults when None)."""
    plan = Plan(list(records), dict(providers or {}), iam_quotas or IamQuotas())
    return [found for module in _MODULES for found in module.check(plan)]


def raise_first(
    violations: Sequence[Violation],
    key_of: Callable[[Record], str] | None = None,
    file: str | None = None,
) -> None:
    """Raise the first violation as one line: config key, resource, rule, and how many more."""
    if not violations:
        return
    first = violations[0]
    more = len(violations) - 1
    suffix = f" (and {more} more contract violation{'s' if more > 1 else ''})" if more else ""
    path = ""
    if key_of is not None:
        path = key_of(first.record) or (key_of(first.other) if first.other is not None else "")
    raise ContractError(path, f"{first.resource}: {first.message}{suffix}", file=file)

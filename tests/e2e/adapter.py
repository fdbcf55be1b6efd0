"""The ONE place the e2e tests call the analyzer. When the analyzer is rewritten, only
``analyzer_allows`` changes; the questions, the live answers and the comparison stay.

It asks ``Analyzer.kubernetes_can_i``: the Kubernetes half of the analyzer with the semantics
of a SubjectAccessReview (attributes and groups taken literally), over the built-in RBAC of the
requested Kubernetes version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_access.analysis import Analyzer

Records = Sequence[Mapping[str, Any]]
_analyzers: dict[tuple[int, str], tuple[Records, Analyzer]] = {}


def _analyzer(records: Records, version: str) -> Analyzer:
    cached = _analyzers.get((id(records), version))
    if cached is None or cached[0] is not records:
        cached = (records, Analyzer.from_records(records, version))
        _analyzers[(id(records), version)] = cached
    return cached[1]


def analyzer_allows(records: Records, version: str, user: str, groups: Sequence[str], verb: str,
                    group: str, resource: str, subresource: str, namespace: str, name: str,
                    path: str | None = None) -> bool:  # fmt: skip
    """Would the analyzer allow this SubjectAccessReview (same fields, same meaning)?"""
    return _analyzer(records, version).kubernetes_can_i(
        user, groups, verb, resource=resource, subresource=subresource, api_group=group, namespace=namespace,
        name=name, path=path,
    ).allowed

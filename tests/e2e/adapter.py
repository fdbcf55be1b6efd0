"""The ONE place the e2e tests call the analyzer. When the analyzer is rewritten, only
``analyzer_allows`` changes; the questions, the live answers and the comparison stay.

Today's analyzer (``eks_access.analysis``) has no Kubernetes-version switch: it always uses its
own built-in data (``analysis/data``), so ``version`` is accepted and not yet passed on. It has no
object name in a request either, so ``name`` is not passed on: rules with ``resourceNames`` never
match a named question there. Both are listed for the rewrite in the e2e report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eks_access.analysis.graph import AccessGraph, KIdentity
from eks_access.analysis.principals import Request

Records = Sequence[Mapping[str, Any]]
_graphs: dict[int, tuple[Records, AccessGraph]] = {}


def _graph(records: Records) -> AccessGraph:
    cached = _graphs.get(id(records))
    if cached is None or cached[0] is not records:
        cached = (records, AccessGraph(records))
        _graphs[id(records)] = cached
    return cached[1]


def analyzer_allows(records: Records, version: str, user: str, groups: Sequence[str], verb: str,
                    group: str, resource: str, subresource: str, namespace: str, name: str,
                    path: str | None = None) -> bool:  # fmt: skip
    """Would the analyzer allow this SubjectAccessReview (same fields, same meaning)?"""
    del version, name  # not supported by today's analyzer; see the module docstring
    ident = KIdentity(username=user or None, groups=tuple(groups))
    if path is not None:
        req = Request(verb=verb, path=path)
    else:
        req = Request(verb=verb, resource=resource, subresource=subresource, group=group,
                      namespace=namespace or None)  # fmt: skip
    hop, _why = _graph(records).authorize_identity(ident, req)
    return hop is not None

"""The ONE reader from plan records (docs/plan-format.md) into the access model.

``read_model(records)`` never crashes on a schema-valid record: a field of a shape the model
cannot read raises :class:`~eks_access.errors.PlanError` naming the record and the key path;
what is read but cannot become a fact (an aws-auth entry the authenticator would drop, an
association without a policy ARN) is kept in ``model.skipped`` with the reason; preview
unknowns become absent values listed in each object's ``unknowns``. Record types that say
nothing about access are ignored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eks_access.model.access_model import AccessModel
from eks_access.model.eks import EksFacts
from eks_access.model.from_plan import eks, iam, k8s
from eks_access.model.from_plan.records import PlanRecord, detect_account, read_records
from eks_access.model.from_plan.state import State
from eks_access.model.gcpause import paused_gc
from eks_access.model.iam import (
    Attachment,
    CustomerPolicy,
    IamFacts,
    IamRole,
    IamUser,
    PolicyContents,
)
from eks_access.model.k8s import KubernetesFacts

_READERS: dict[str, Callable[[State, PlanRecord], None]] = {**iam.READERS, **eks.READERS, **k8s.READERS}

__all__ = ["read_model"]


def read_model(records: Sequence[Mapping[str, Any]], *, whole_plan: bool = True) -> AccessModel:
    """The access model of a plan's records.

    ``whole_plan`` is False when the records are a fragment (the policy pack judging one
    resource): nothing is then concluded from the absence of other records.
    """
    with paused_gc():
        return _read(records, whole_plan)


def _read(records: Sequence[Mapping[str, Any]], whole_plan: bool) -> AccessModel:
    plan = read_records(records)
    account, partition = detect_account(plan)
    by_name: dict[str, list[PlanRecord]] = defaultdict(list)
    for record in plan:
        by_name[record.ref.name].append(record)
    state = State(plan, account, partition, whole_plan, by_name)
    for record in plan:
        reader = _READERS.get(record.ref.type)
        if reader is None and k8s.rbac_kind(record.ref.type) is not None:
            reader = k8s.read_rbac
        if reader is not None:
            reader(state, record)
    return _finish(state)


def _finish(state: State) -> AccessModel:
    customer = {p.arn: p for p in state.customer_policies if p.arn}
    roles = tuple(
        IamRole(boundary=_boundary(state, p.boundary, customer), **p.fields) for p in state.roles
    )
    declared = [IamUser(boundary=_boundary(state, p.boundary, customer), **p.fields) for p in state.declared_users]
    seen = {u.name for u in declared}
    users = tuple(declared + [u for name, u in state.users.items() if name not in seen])
    attachments = tuple(
        Attachment(a.owners, a.policy_arn, state.contents(a.policy_arn, customer), a.origin) for a in state.attachments
    )
    iam_facts = IamFacts(
        users=users,
        groups=tuple(state.groups.values()),
        roles=roles,
        memberships=tuple(state.memberships),
        inline_policies=tuple(state.inline_policies),
        customer_policies=tuple(state.customer_policies),
        attachments=attachments,
        oidc_issuers=tuple(state.oidc_issuers),
    )
    return AccessModel(
        records=tuple(r.ref for r in state.records),
        iam=iam_facts,
        eks=EksFacts(tuple(state.clusters), tuple(state.mappings), tuple(state.access_policies), tuple(state.pod_identities)),
        k8s=KubernetesFacts(tuple(state.rbac_roles), tuple(state.rbac_bindings), tuple(state.service_accounts), tuple(state.namespaces)),
        account=state.account,
        partition=state.partition,
        whole_plan=state.whole_plan,
        skipped=tuple(state.skipped),
    )


def _boundary(state: State, arn: str | None, customer: Mapping[str, CustomerPolicy]) -> PolicyContents | None:
    return state.contents(arn, customer) if arn else None

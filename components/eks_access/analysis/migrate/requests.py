"""The EKS API requests of a snapshot migration stage, checked the way EKS checks them.

A request is what ``aws eks <command> --cli-input-json file://...`` sends: the operation's input
members by their API names. Its shape is checked by botocore's own ``ParamValidator`` against the
EKS service model that botocore ships (the one the AWS CLI and boto3 send with), so an unknown
member, a wrong type or a missing required member is refused offline as the SDK refuses it.

What the model does not say, EKS refuses at the service; those rules are in the offline contracts
(``offline/contracts/eks.py``: ``system:`` groups and reserved username prefixes, node entry
types without groups or username, one entry per principal, associations only on STANDARD entries),
which ``cli/migrate_snapshot.py`` runs on the records of the snapshot after the stage. The one
rule about a *change*, that the authentication mode moves one way only, one step at a time, is
``model.eks.mode_change_problem`` (shared with ``analysis/diff/update.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

UPDATE_CLUSTER_CONFIG = "UpdateClusterConfig"
CREATE_ACCESS_ENTRY = "CreateAccessEntry"
ASSOCIATE_ACCESS_POLICY = "AssociateAccessPolicy"
#: operation -> the AWS CLI command that sends it (``aws eks <command>``)
COMMANDS = {
    UPDATE_CLUSTER_CONFIG: "update-cluster-config",
    CREATE_ACCESS_ENTRY: "create-access-entry",
    ASSOCIATE_ACCESS_POLICY: "associate-access-policy",
}


@dataclass(frozen=True)
class Request:
    """One EKS API call: ``operation`` with ``params``; ``subject`` names it in file names."""

    operation: str
    params: Mapping[str, Any]
    subject: str

    @property
    def command(self) -> str:
        return COMMANDS[self.operation]


@functools.cache
def _eks_model() -> Any:
    from botocore.session import get_session

    return get_session().get_service_model("eks")


def shape_problem(request: Request) -> str | None:
    """botocore's ParamValidator's report on ``request`` (None when the SDK would send it)."""
    from botocore.validate import ParamValidator

    shape = _eks_model().operation_model(request.operation).input_shape
    report = ParamValidator().validate(dict(request.params), shape)
    if not report.has_errors():
        return None
    return "; ".join(line.strip() for line in report.generate_report().splitlines() if line.strip())

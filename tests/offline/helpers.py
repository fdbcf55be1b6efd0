"""Small in-process programs for the offline engine's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eks_access import documents as docs
from eks_access.limits import IamQuotas
from eks_access.offline import ContractError, FakeCloud, run_program

ACCOUNT = "111122223333"
REGION = "ap-northeast-2"
NODE_TRUST = docs.to_json(docs.node_trust_policy())
Records = list[dict[str, Any]]


def cloud(**kwargs: Any) -> FakeCloud:
    return FakeCloud(account_id=ACCOUNT, region=REGION, **kwargs)


def run(program: Callable[[], None], *, preview: bool = False, deployer: str | None = None,
        quotas: IamQuotas | None = None) -> Records:
    fake = cloud(deployer_arn=deployer, iam_quotas=quotas or IamQuotas())
    return run_program(program, config={}, cloud=fake, preview=preview).resources


def refused(program: Callable[[], None], **kwargs: Any) -> str:
    """The one-line message of the ContractError the program's plan raises."""
    with pytest.raises(ContractError) as err:
        run(program, **kwargs)
    return str(err.value)


def by_name(records: Records, name: str, type_suffix: str = "") -> dict[str, Any]:
    found = [r for r in records if r["name"] == name and str(r["type"]).endswith(type_suffix)]
    assert len(found) == 1, (name, [r["type"] for r in found])
    return found[0]

"""What every contract shares: the violation, the error the user sees, and an index of a plan.

Contracts are pure functions over plan records (docs/plan-format.md): they import no Pulumi,
run once after the program, and see every record, including the implicit ones EKS adds. A
value a preview does not know yet (the unknown sentinel) is never judged: the check that
needs it runs again in the plan of ``pulumi up``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from eks_access.errors import SpecError
from eks_access.limits import IamQuotas
from eks_access.offline.wire import has_unknown, is_unknown, ref_name

Record = Mapping[str, Any]


class ContractError(SpecError):
    """The real services would refuse the plan (or two resources would fight over one object).

    ``path`` is the config key that produced the resource when it is known; the message names
    the resource (logical name and type) and the rule. ``file`` is the stack file, when the
    plan came from one, so the CLI can print one line that points at it.
    """

    def __init__(self, path: str, message: str, *, file: str | None = None) -> None:
        self.file: str | None = None
        super().__init__(path, message)
        if file:
            self.in_file(file)

    def in_file(self, file: str) -> ContractError:
        """Name the stack file the plan came from (once)."""
        if self.file is None:
            self.file = file
            self.args = (f"{file}: {self.path}: {self.detail}" if self.path else f"{file}: {self.detail}",)
        return self

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Violation:
    """One broken contract: the record that breaks it and what the real service says."""

    rule: str
    record: Record
    message: str
    #: The resource it collides with, if any: its config key is shown when ``record`` has none.
    other: Record | None = None

    @property
    def resource(self) -> str:
        return f"{self.record['name']} ({self.record['type']})"


def violation(rule: str, record: Record, message: str, other: Record | None = None) -> Violation:
    return Violation(rule, record, message, other)


def known(value: Any) -> bool:
    """A value the plan knows: present and not (partly) waiting on ``pulumi up``."""
    return value is not None and not has_unknown(value)


def lower_key(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) and not is_unknown(value) else None


@dataclass
class Plan:
    """Records by type, the EKS clusters the program creates, and each Kubernetes object's provider."""

    records: list[Record]
    providers: Mapping[str, str] = field(default_factory=dict)
    quotas: IamQuotas = field(default_factory=IamQuotas)
    by_type: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for record in self.records:
            self.by_type[str(record["type"])].append(record)
            self.by_name[str(record["name"])].append(record)

    def of(self, *types: str) -> Iterator[Record]:
        for typ in types:
            yield from self.by_type.get(typ, ())

    def named(self, name: str | None, short_type: str) -> Record | None:
        for record in self.by_name.get(name or "", ()):
            if str(record["type"]).rsplit(":", 1)[-1] == short_type:
                return record
        return None

    def referenced(self, value: Any, short_type: str) -> Record | None:
        """The record a ``{"$ref": ...}`` input points at."""
        return self.named(ref_name(value), short_type)

    def provider_of(self, record: Record) -> str:
        """Logical name of the provider a resource was registered with ("" for the default one)."""
        return self.providers.get(resource_key(record), "")


def resource_key(record: Record) -> str:
    """``<type>::<logical name>``: what identifies a resource in a program (its URN's tail)."""
    return f"{record['type']}::{record['name']}"


def duplicates(records: Iterable[Record], key: Any) -> Iterator[tuple[Record, Record]]:
    """(later, first) pairs of records that share ``key(record)``; None keys never collide."""
    first: dict[Any, Record] = {}
    for record in records:
        k = key(record)
        if k is None:
            continue
        if k in first:
            yield record, first[k]
        else:
            first[k] = record


def input_key(*fields: str, fold: tuple[str, ...] = ()) -> Callable[[Record], tuple[Any, ...] | None]:
    """A record's key by these inputs (``fold`` ones case-insensitive); None while one is missing or unknown."""
    def key(record: Record) -> tuple[Any, ...] | None:
        values: list[Any] = []
        for name in fields:
            value = record["inputs"].get(name)
            if not known(value):
                return None
            values.append(value.lower() if name in fold and isinstance(value, str) else value)
        return tuple(values)

    return key


def collisions(
    records: Iterable[Record], key: Callable[[Record], Any], rule: str, message: Callable[[Record, Record], str]
) -> Iterator[Violation]:
    """A violation on each record whose key an earlier one already has; ``message(later, first)``."""
    for later, first in duplicates(records, key):
        yield Violation(rule, later, message(later, first), first)


def iam_principal_key(arn: Any) -> tuple[str, ...] | None:
    """An IAM user or role ARN as IAM identifies the principal: path dropped, name case-insensitive.

    IAM names are unique per account regardless of path and case (IAM User Guide, "IAM object
    names": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), so
    ``role/a/X`` and ``role/x`` are one principal.
    """
    if not isinstance(arn, str) or is_unknown(arn):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        return (arn,)
    kind, _, rest = parts[5].partition("/")
    return (parts[1], parts[4], kind, rest.rsplit("/", 1)[-1].lower())

"""Typed field readers over one plan record: every wrong shape becomes a PlanError naming the
record and the key path; every preview unknown becomes an absent value listed in ``unknowns``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_access.errors import PlanError
from eks_access.model.iam import PolicyDocument
from eks_access.model.origin import RecordRef
from eks_access.model.policy_json import DocumentError, parse_document
from eks_access.model.values import UNKNOWN_SENTINEL, contains_unknown, is_unknown, kind_of


def join(prefix: str, key: str) -> str:
    if not key:
        return prefix
    if not prefix:
        return key
    return f"{prefix}{key}" if key.startswith("[") else f"{prefix}.{key}"


class Fields:
    """Reads values found under a prefix (``inputs``, ``inputs.metadata``, ...) of one record.

    Each model object built from a record gets its own ``Fields`` so its ``unknowns`` list
    names only its own unknown values (paths relative to the record). Plan records are JSON,
    so the common case (a ``str``, ``dict`` or ``list`` where one belongs) is checked first and
    key paths are only spelled out when an error or an unknown needs them.
    """

    __slots__ = ("_key", "_parent", "_prefix", "record", "unknowns")

    def __init__(self, record: RecordRef, prefix: str = "inputs") -> None:
        self.record = record
        self._prefix: str | None = prefix
        self._parent: Fields | None = None
        self._key = ""
        self.unknowns: list[str] = []

    @property
    def prefix(self) -> str:
        if self._prefix is None:
            assert self._parent is not None
            self._prefix = join(self._parent.prefix, self._key)
        return self._prefix

    def at(self, key: str) -> Fields:
        """The same record one level down, sharing this reader's unknowns."""
        child = Fields.__new__(Fields)
        child.record, child._prefix, child._parent, child._key = self.record, None, self, key
        child.unknowns = self.unknowns
        return child

    def fresh(self, key: str = "") -> Fields:
        """A reader one level down with its own unknowns (for a separate model object)."""
        return Fields(self.record, join(self.prefix, key) if key else self.prefix)

    def path(self, key: str) -> str:
        return join(self.prefix, key)

    def error(self, key: str, message: str) -> PlanError:
        return plan_error(self.record, self.path(key), message)

    def _unknown(self, key: str) -> None:
        self.unknowns.append(self.path(key))

    def text(self, value: Any, key: str) -> str | None:
        if type(value) is str and value != UNKNOWN_SENTINEL:
            return value
        if value is None:
            return None
        if is_unknown(value):
            self._unknown(key)
            return None
        raise self.error(key, f"expected a string, got {kind_of(value)}")

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        """A list of strings; unknown elements are left out (and listed in ``unknowns``)."""
        if type(value) is list and all(type(v) is str and v != UNKNOWN_SENTINEL for v in value):
            return tuple(value)
        out: list[str] = []
        for i, item in enumerate(self.sequence(value, key)):
            if is_unknown(item):
                self._unknown(f"{key}[{i}]")
            elif isinstance(item, str):
                out.append(item)
            else:
                raise self.error(f"{key}[{i}]", f"expected a string, got {kind_of(item)}")
        return tuple(out)

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if type(value) is dict:
            return value
        if value is None:
            return {}
        if is_unknown(value):
            self._unknown(key)
            return {}
        if not isinstance(value, Mapping):
            raise self.error(key, f"expected an object, got {kind_of(value)}")
        return value

    def sequence(self, value: Any, key: str) -> list[Any]:
        if type(value) is list:
            return value
        if value is None:
            return []
        if is_unknown(value):
            self._unknown(key)
            return []
        if not isinstance(value, list | tuple):
            raise self.error(key, f"expected a list, got {kind_of(value)}")
        return list(value)

    def flag(self, value: Any, key: str) -> bool | None:
        if value is None:
            return None
        if is_unknown(value):
            self._unknown(key)
            return None
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {kind_of(value)}")
        return value

    def document(self, value: Any, key: str) -> PolicyDocument | None:
        """An IAM policy document (JSON string or object); unknown when any part of it is."""
        if value is None or value == "":
            return None
        if contains_unknown(value):
            self._unknown(key)
            return None
        if not isinstance(value, str | Mapping):
            raise self.error(key, f"expected an IAM policy document (JSON string or object), got {kind_of(value)}")
        try:
            return parse_document(value)
        except DocumentError as err:
            where = self.path(key) + (f" {err.path}" if err.path else "")
            raise plan_error(self.record, where, f"not an IAM policy document IAM would accept: {err.detail}") from None


def plan_error(record: RecordRef, path: str, message: str) -> PlanError:
    where = f"plan record {record.name!r} ({record.type})"
    return PlanError(f"{where}: {path}: {message}" if path else f"{where}: {message}")


def lenient_text(value: Any) -> str | None:
    """For outputs fabricated by mocks or providers: a usable string or nothing, never an error."""
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def lenient_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def lenient_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []

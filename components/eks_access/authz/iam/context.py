"""The request context of an IAM evaluation: which condition keys have which values.

Condition key names are case-insensitive (IAM User Guide, "IAM JSON policy elements:
Condition": "Condition key names are not case-sensitive"). A key can be present (with one or
more values), known to be absent (``aws:username`` when the caller is a role session), or not
known at all: the analyzer does not know a caller's session name or MFA state unless told
(``can-i --context sts:RoleSessionName=dev1``), and conditions on unknown keys become
requirements instead of answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Presence = Literal["present", "absent", "unknown"]


@dataclass(frozen=True)
class RequestContext:
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lower-cased key -> values
    absent: frozenset[str] = frozenset()  # lower-cased keys known not to be in the request
    names: Mapping[str, str] = field(default_factory=dict)  # lower-cased key -> key as written

    @classmethod
    def of(cls, pairs: Mapping[str, Sequence[str]] | Iterable[tuple[str, str]] = (),
           absent: Iterable[str] = ()) -> RequestContext:  # fmt: skip
        values: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        items = [(k, v) for k, vs in pairs.items() for v in vs] if isinstance(pairs, Mapping) else list(pairs)
        for key, value in items:
            values.setdefault(key.lower(), []).append(value)
            names.setdefault(key.lower(), key)
        return cls({k: tuple(v) for k, v in values.items()}, frozenset(a.lower() for a in absent), names)

    @property
    def key(self) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
        """A hashable identity of the context (for caches)."""
        return tuple(sorted(self.values.items())), tuple(sorted(self.absent))

    def presence(self, key: str) -> Presence:
        k = key.lower()
        if k in self.values:
            return "present"
        if k in self.absent:
            return "absent"
        return "unknown"

    def get(self, key: str) -> tuple[str, ...] | None:
        return self.values.get(key.lower())

    def merged(self, other: RequestContext) -> RequestContext:
        """``other`` (what the analyzer derives from the caller) wins over what this one says."""
        values = {**self.values, **other.values}
        absent = (self.absent - set(other.values)) | other.absent
        values = {k: v for k, v in values.items() if k not in other.absent}
        return RequestContext(values, frozenset(absent), {**self.names, **other.names})

    def describe(self) -> list[str]:
        out = [f"{self.names.get(k, k)}={v}" for k, vs in self.values.items() for v in vs]
        out += [f"{self.names.get(k, k)} absent" for k in sorted(self.absent)]
        return out

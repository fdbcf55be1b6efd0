"""The guardrails' only knob: an allow-list of deliberate exceptions per rule.

Stack config carries it as ``team-cluster:guardrails: {allow: {<RULE-ID>: [...]}}``; each
entry is a resource name (Pulumi logical name, ``type::name``, a Kubernetes object name or
``namespace/name``) or a principal ARN. There is deliberately no switch to disable a rule or
all advisory rules: an exception is named, reviewed and visible in the diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_access.errors import SpecError
from eks_access.guardrails.catalog import RULES_BY_ID


@dataclass(frozen=True)
class GuardrailConfig:
    allow: Mapping[str, frozenset[str]] = field(default_factory=dict)


def load_guardrail_config(raw: object, path: str = "guardrails") -> GuardrailConfig:
    """Validate raw config (None means no exceptions); errors name the key path."""
    if raw is None:
        return GuardrailConfig()
    if not isinstance(raw, Mapping):
        raise SpecError(path, f"expected a mapping with key 'allow', got {type(raw).__name__}")
    for key in raw:
        if key != "allow":
            raise SpecError(f"{path}.{key}", "unknown key; the only key is 'allow'")
    allow_raw = raw.get("allow")
    if allow_raw is None:
        return GuardrailConfig()
    if not isinstance(allow_raw, Mapping):
        raise SpecError(f"{path}.allow", "expected a mapping of rule id to a list of names")
    allow: dict[str, frozenset[str]] = {}
    for rule_id, entries in allow_raw.items():
        key_path = f"{path}.allow.{rule_id}"
        if not isinstance(rule_id, str) or rule_id not in RULES_BY_ID:
            close = difflib.get_close_matches(str(rule_id), list(RULES_BY_ID), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise SpecError(key_path, f"unknown rule id{hint} (known: {', '.join(RULES_BY_ID)})")
        if entries is None:
            entries = []
        if isinstance(entries, str) or not isinstance(entries, list):
            raise SpecError(key_path, "expected a list of resource names or principal ARNs")
        names: set[str] = set()
        for i, entry in enumerate(entries):
            if not isinstance(entry, str) or not entry.strip():
                raise SpecError(f"{key_path}[{i}]", "expected a non-empty string")
            names.add(entry.strip())
        allow[rule_id] = frozenset(names)
    return GuardrailConfig(allow=allow)

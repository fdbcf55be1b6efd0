"""IAM string patterns: ``*`` and ``?`` wildcards, and ARN matching component by component.

- ``Action``: case-insensitive, wildcards anywhere (IAM JSON policy elements: Action).
- ``Resource`` and the ``Arn*`` condition operators: case-sensitive; an ARN is matched as its
  six colon-separated components, each separately, so a wildcard never spans a ``:`` of the
  first five (IAM JSON policy elements: Condition operators, "Amazon Resource Name (ARN)
  condition operators"; Resource element, "wildcards in ARNs").
- ``StringLike``: case-sensitive, wildcards anywhere.

A pattern is a tuple of parts: text where ``*``/``?`` are wildcards, and literal text that came
from a policy variable or from ``${*}``/``${?}``/``${$}`` (IAM policy variables, "Special
characters"), which never acts as a wildcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Part:
    text: str
    literal: bool = False


Pattern = tuple[Part, ...]


def plain(text: str) -> Pattern:
    return (Part(text),)


def flatten(pattern: Pattern) -> str:
    """The text a pattern matches when its wildcards are taken literally (``*Equals`` operators)."""
    return "".join(p.text for p in pattern)


@lru_cache(maxsize=8192)
def _regex(pattern: Pattern, fold: bool) -> re.Pattern[str]:
    body: list[str] = []
    for part in pattern:
        if part.literal:
            body.append(re.escape(part.text))
            continue
        body.extend(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in part.text)
    return re.compile("".join(body), (re.IGNORECASE if fold else 0) | re.DOTALL)


def glob_match(pattern: Pattern, value: str, *, fold: bool = False) -> bool:
    if len(pattern) == 1 and not pattern[0].literal:
        text = pattern[0].text
        if text == "*":
            return True
        if "*" not in text and "?" not in text:
            return text.lower() == value.lower() if fold else text == value
    return _regex(pattern, fold).fullmatch(value) is not None


def arn_match(pattern: Pattern, value: str) -> bool:
    """ARN-aware match: ``arn:partition:service:region:account:resource`` component-wise."""
    if len(pattern) == 1 and not pattern[0].literal and pattern[0].text == "*":
        return True
    flat_pattern = _split_arn_pattern(pattern)
    flat_value = value.split(":", 5)
    if flat_pattern is None or len(flat_value) != 6:
        # not an ARN pattern: a plain glob; an "arn:" pattern short of six components
        # (which IAM refuses to store) matches no ARN
        return not flatten(pattern).startswith("arn:") and glob_match(pattern, value)
    return all(glob_match(p, v) for p, v in zip(flat_pattern, flat_value, strict=True))


def _split_arn_pattern(pattern: Pattern) -> list[Pattern] | None:
    """The six components of an ARN pattern, splitting only on ``:`` of its policy text."""
    components: list[list[Part]] = [[]]
    for part in pattern:
        if part.literal or len(components) == 6:
            components[-1].append(part)
            continue
        pieces = part.text.split(":", 6 - len(components))
        for i, piece in enumerate(pieces):
            if i:
                components.append([])
            if piece:
                components[-1].append(Part(piece))
    if len(components) != 6 or flatten(tuple(components[0])) != "arn":
        return None
    return [tuple(c) or (Part(""),) for c in components]

"""IAM policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``, ``${*}``).

IAM User Guide, "IAM policy elements: Variables and tags"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html): a
variable is replaced by the single value of that context key (key names case-insensitive); a
key that is not present makes the statement fail to match, unless the variable names a default
(``${key, 'default'}``, ``''`` for a quote inside it); multivalued keys cannot be variables;
``${*}``, ``${?}`` and ``${$}`` stand for the literal characters. Substitution is one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.patterns import Part, Pattern

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True)
class Substitution:
    """The result: a pattern, or why there is none.

    ``missing`` names a key known to be absent (the statement cannot match); ``needs`` names
    keys whose values are not known (the statement may match: a requirement).
    """

    pattern: Pattern | None
    missing: str | None = None
    needs: tuple[str, ...] = ()


def substitute(text: str, context: RequestContext) -> Substitution:
    if "${" not in text:
        return Substitution((Part(text),))
    parts: list[Part] = []
    needs: list[str] = []
    pos = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > pos:
            parts.append(Part(text[pos : match.start()]))
        pos = match.end()
        body = match.group(1)
        if body in _SPECIAL:
            parts.append(Part(_SPECIAL[body], literal=True))
            continue
        key, default = _key_and_default(body)
        values = context.get(key)
        if values is not None and len(values) == 1:
            parts.append(Part(values[0], literal=True))
        elif default is not None and (values is not None or context.presence(key) == "absent"):
            parts.append(Part(default, literal=True))
        elif values is not None or context.presence(key) == "absent":
            return Substitution(None, missing=key)
        else:
            needs.append(key)
    if pos < len(text):
        parts.append(Part(text[pos:]))
    if needs:
        return Substitution(None, needs=tuple(dict.fromkeys(needs)))
    return Substitution(tuple(parts))


def _key_and_default(body: str) -> tuple[str, str | None]:
    match = _WITH_DEFAULT.match(body)
    if match is None:
        return body.strip(), None
    return match.group(1), match.group(2).replace("''", "'")


def has_variables(text: str) -> bool:
    return _VARIABLE.search(text) is not None

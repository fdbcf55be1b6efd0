"""Exception types shared by every layer.

All user mistakes raise a subclass of ``ValueError`` so library users can catch one family,
and the CLI turns any of them into exit code 2 with a one-line message.
"""

from __future__ import annotations

from eks_access.escape.text import escape_char


class EksAccessError(ValueError):
    """Base class of every error caused by user input (config, arguments, principals)."""


class SpecError(EksAccessError):
    """Invalid configuration; ``path`` names the offending key, e.g. ``teams[1].roleName``."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


class UsageError(EksAccessError):
    """Invalid command-line argument or analyzer query (principal, verb, resource syntax)."""


class PlanError(EksAccessError):
    """A plan record whose shape the access model cannot read.

    The message names the record (logical name and type) and the key path inside it, e.g.
    ``plan record 'ops' (kubernetes:rbac.authorization.k8s.io/v1:ClusterRole): inputs.rules[0].verbs:
    expected a list of strings, got str``; the CLI prints it as one line and exits 2.
    """


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` safe to print as one line: control characters, lone surrogates and other
    non-printable characters escaped (``\\n``, ``\\x01``, ``\\ud800``), long text shortened.

    Every user-facing message passes through here, so a key name with a newline or a value
    with a raw control character can neither split an error line nor crash the printing.
    """
    out: list[str] = []
    for c in text:
        if c.isprintable():
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        else:
            out.append(escape_char(c))
    result = "".join(out)
    return result if len(result) <= limit else result[: limit - 3] + "..."

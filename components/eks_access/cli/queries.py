"""The analyzer commands of ``eks-access``: their arguments and how they run.

``can-i VERB RESOURCE --as PRINCIPAL [--as-group G]... [--context KEY=VALUE]... [--name N]``,
``can-i --batch FILE`` (JSON lines in, JSON lines out; ``-`` is stdin), ``who-can``, ``matrix``
and ``diagram``; all take ``--kubernetes-version`` (default: the cluster's configured version,
else the newest the shipped data has).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from eks_access.errors import UsageError

if TYPE_CHECKING:
    from eks_access.analysis.batchinput import LineSource

QUERY_COMMANDS = ("can-i", "who-can", "matrix", "diagram")
STDIN = "<stdin>"


def add_query_commands(sub: Any, common: argparse.ArgumentParser, fmt: argparse.ArgumentParser) -> None:
    version = argparse.ArgumentParser(add_help=False)
    version.add_argument("--kubernetes-version", metavar="X.Y",
                         help="built-in RBAC of this Kubernetes version (default: the cluster's, else the newest shipped)")  # fmt: skip
    context = argparse.ArgumentParser(add_help=False)
    context.add_argument("--context", action="append", default=[], metavar="KEY=VALUE",
                         help="an IAM condition key's value, e.g. sts:RoleSessionName=dev1 (repeatable)")  # fmt: skip

    p = sub.add_parser("can-i", parents=[common, fmt, version, context],
                       help="can PRINCIPAL do VERB on RESOURCE? (exit 0 yes, 1 no)")  # fmt: skip
    p.add_argument("verb", nargs="?")
    p.add_argument("resource", nargs="?", help="pods, pods/log, deployments.apps, deployments.apps/scale, '*', or /healthz")
    _namespace_args(p)
    p.add_argument("--name", help="the object's name (resourceNames; the Namespace object's own namespace)")
    p.add_argument("--as", dest="principal", help="IAM ARN, user:NAME, group:NAME or serviceaccount:NS:NAME")
    p.add_argument("--as-group", dest="groups", action="append", default=[], metavar="GROUP",
                   help="a Kubernetes group of the --as subject (repeatable)")  # fmt: skip
    p.add_argument("--batch", metavar="FILE",
                   help="JSON lines of questions ('-' for stdin, read the same way); prints each JSON answer line as its "
                        "question is read. Each line must be one JSON object in UTF-8 (RFC 8259); a bad line stops the "
                        "run with exit 2 naming FILE:LINE, after the answers already printed")  # fmt: skip
    p = sub.add_parser("who-can", parents=[common, fmt, version, context],
                       help="every principal allowed VERB on RESOURCE, with its chain")  # fmt: skip
    p.add_argument("verb")
    p.add_argument("resource")
    _namespace_args(p)
    p.add_argument("--name", help="the object's name")
    p = sub.add_parser("matrix", parents=[common, fmt, version, context], help="resources x verbs table, like kubectl access-matrix")
    p.add_argument("--as", dest="principal")
    p.add_argument("--as-group", dest="groups", action="append", default=[], metavar="GROUP")
    _namespace_args(p)
    p = sub.add_parser("diagram", parents=[common, version], help="IAM -> roles -> Kubernetes groups -> RBAC, as Mermaid or SVG")
    p.add_argument("--format", choices=("mermaid", "svg"), default="mermaid")


def _namespace_args(parser: argparse.ArgumentParser) -> None:
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", help="namespace (default: cluster scope, where only cluster-wide grants count)")
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="cluster scope (the default), as kubectl spells it")


def run_query(args: argparse.Namespace, records: Sequence[Mapping[str, Any]]) -> tuple[int, str]:
    from eks_access.analysis import commands
    from eks_access.model.gcpause import paused_gc

    version = args.kubernetes_version
    with paused_gc():
        analyzer = commands.analyzer_of(records, version)
        if args.command == "can-i":
            return _can_i(args, analyzer)
        if args.command == "who-can":
            return commands.who_can(analyzer, args.verb, args.resource, args.namespace, args.format, name=args.name,
                                    context=args.context)  # fmt: skip
        if args.command == "matrix":
            return commands.matrix(analyzer, args.principal, args.namespace, args.format, groups=args.groups,
                                   context=args.context)  # fmt: skip
        return commands.diagram(analyzer, args.format)


def _can_i(args: argparse.Namespace, analyzer: Any) -> tuple[int, str]:
    from eks_access.analysis import commands

    if args.batch is not None:
        given = [f for f, v in (("VERB", args.verb), ("RESOURCE", args.resource), ("--as", args.principal),
                                ("--as-group", args.groups), ("--context", args.context), ("--name", args.name),
                                ("-n", args.namespace)) if v]  # fmt: skip
        if given:
            raise UsageError(f"--batch: {given[0]} belongs in the questions of the batch file, not on the command line")
        if args.format != "text":
            raise UsageError("--batch: answers are always JSON lines; drop --format")
        return _can_i_batch(analyzer, args.batch)
    for flag, value in (("VERB", args.verb), ("RESOURCE", args.resource), ("--as", args.principal)):
        if not value:
            raise UsageError(f"can-i: {flag} is required (or --batch FILE)")
    return commands.can_i(analyzer, args.verb, args.resource, args.namespace, args.principal, args.format,
                          name=args.name, groups=args.groups, context=args.context)  # fmt: skip


def _can_i_batch(analyzer: Any, name: str) -> tuple[int, str]:
    """Answers are written (and flushed) one by one as questions are read, from a file or stdin
    alike: no total size limit, one line at most ``MAX_LINE_BYTES``; a bad line stops the run
    with exit 2 after the answers of the lines before it."""
    from eks_access.analysis import commands
    from eks_access.analysis.batchinput import read_lines
    from eks_access.safeio import FileReadError, open_stream

    sys.stdout.flush()  # answers go to the binary layer below it
    if name == "-":
        if sys.stdin is None:
            raise UsageError("--batch: -: stdin is closed")
        return commands.can_i_batch(analyzer, read_lines(_bytes_of(sys.stdin), STDIN), STDIN, write=_write_line)
    try:
        stream = open_stream(Path(name))
    except FileReadError as err:
        raise UsageError(f"--batch: {name}: {err}") from None
    with stream:
        return commands.can_i_batch(analyzer, read_lines(stream, name), name, write=_write_line)


def _bytes_of(stream: TextIO) -> LineSource:
    """The bytes below a text stream; a library caller's StringIO has none, so its text is read."""
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    return buffer if buffer is not None else _TextLines(stream)


class _TextLines:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def readline(self, size: int = -1, /) -> bytes:  # ``size`` characters: at least as many bytes
        return self.stream.readline(size).encode("utf-8", "surrogatepass")


def _write_line(line: str) -> None:
    """One answer, in UTF-8 (RFC 8259 section 8.1) whatever the locale, flushed at once."""
    out = getattr(sys.stdout, "buffer", None)
    if out is None:  # a library caller's StringIO: text is all it takes
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        return
    out.write(line.encode("utf-8") + b"\n")
    out.flush()

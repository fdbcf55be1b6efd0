"""``eks-access``: plan, check and question a stack's access before anything is deployed.

User mistakes (bad config, bad arguments) print one ``eks-access: error: ...`` line naming the
file, key path or argument, and exit 2. Pulumi is imported only by commands that run the stack
program, and only after the config has been validated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from eks_access.errors import EksAccessError, UsageError, one_line

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so every ``finally`` and cleanup runs."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own errors keep exit 2, in our format
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    source = common.add_mutually_exclusive_group()
    source.add_argument("--stack", default="dev", help="read Pulumi.STACK.yaml in the working directory (default: dev)")
    source.add_argument("--config", type=Path, help="read this stack config file instead")
    common.add_argument("--plan", type=Path, dest="plan_file", help="read an existing plan.json instead of planning the stack")
    common.add_argument("--snapshot", help="read a live-estate snapshot (eks-access snapshot --out FILE) instead of a plan")
    fmt = _Parser(add_help=False)
    fmt.add_argument("--format", choices=("text", "json"), default="text")

    parser = _Parser(prog="eks-access", description="EKS access as code: plan, check and query who can do what, offline.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("plan", parents=[common, fmt], help="run the stack program on mocks and write the plan")
    p.add_argument("--out", help="output directory (default: build/STACK); must be absent, empty or a previous plan")
    _preview_arg(p)
    p = sub.add_parser("check", parents=[common], help="run every guardrail on the plan (exit 1 on a mandatory finding)")
    p.add_argument("--format", choices=("text", "json", "sarif", "markdown"), default="text",
                   help="sarif: SARIF 2.1.0 for code scanning; markdown: a pull-request comment")
    _preview_arg(p)
    from eks_access.cli.queries import add_query_commands

    add_query_commands(sub, common, fmt)
    from eks_access.cli.diff import add_diff_command

    add_diff_command(sub)
    from eks_access.cli.migrate import add_migrate_command

    add_migrate_command(sub, common, fmt)
    from eks_access.cli.snapshot import add_snapshot_command

    add_snapshot_command(sub)
    from eks_access.cli.drift import add_drift_command

    add_drift_command(sub)
    for name, what in (("kubeconfig", "the kubeconfig a team member uses"), ("aws-config", "the ~/.aws/config profile a team member adds")):
        p = sub.add_parser(name, parents=[common], help=what)
        p.add_argument("--team", required=True)
        if name == "aws-config":
            p.add_argument("--member", help="IAM user name of the member (fills role_session_name)")
            p.add_argument("--source-profile", default="default", help="profile holding the member's own credentials")
    return parser


def _preview_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preview", action="store_true",
                        help="plan as a first `pulumi preview` sees the stack: what exists only after `pulumi up` is unknown")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    previous = _on_sigterm()
    try:
        args = parser.parse_args(argv)
        return _dispatch(args)
    except EksAccessError as err:
        return _fail(f"error: {err}", EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was changed", EXIT_INTERRUPTED)
    except Terminated:
        return _fail("terminated; nothing was changed", EXIT_TERMINATED)
    except BrokenPipeError:
        return 0
    finally:
        _restore_sigterm(previous)


def _fail(message: str, code: int) -> int:
    print(f"eks-access: {one_line(message)}", file=sys.stderr)
    return code


_writing = False  # True while plan files are being written: a signal must then unwind and clean up


def _on_sigterm() -> Any:
    """Ctrl-C and SIGTERM end the run with one line and exit 130/143, nothing changed.

    While the stack program runs on mocks nothing has been written, and an exception raised
    inside the SDK's asyncio tasks would only be logged as a traceback, so the process ends at
    once. While files are written the signal is raised as an exception, so every cleanup runs.
    """
    def handler(signum: int, frame: Any) -> None:
        if _writing:
            raise KeyboardInterrupt() if signum == signal.SIGINT else Terminated()
        text = "interrupted" if signum == signal.SIGINT else "terminated"
        sys.stderr.write(f"eks-access: {text}; nothing was changed\n")
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED if signum == signal.SIGINT else EXIT_TERMINATED)

    try:
        return (signal.signal(signal.SIGTERM, handler), signal.signal(signal.SIGINT, handler))
    except ValueError:  # not the main thread (a library caller); leave signals alone
        return None


def _restore_sigterm(previous: Any) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    global _writing
    _writing = True
    try:
        yield
    finally:
        _writing = False


def _config_file(args: argparse.Namespace) -> Path:
    return Path(args.config) if args.config else Path(f"Pulumi.{args.stack}.yaml")


def _stack_name(args: argparse.Namespace) -> str:
    return str(args.stack) if not args.config else Path(args.config).stem.removeprefix("Pulumi.")


def _plan(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """(records, exports, raw guardrails config) from --plan FILE or by planning the stack."""
    if getattr(args, "plan_file", None):
        from eks_access.plan.reader import read_plan

        return read_plan(Path(args.plan_file)), {}, {}
    if args.command == "plan":
        return _plan_stack(args)
    from eks_access.plan import cache

    file = _config_file(args)
    key = cache.plan_key(_stack_name(args) + (" --preview" if getattr(args, "preview", False) else ""), file)
    hit = cache.load(key)
    if hit is not None:
        return hit
    program = _project_program(file)
    result = _plan_stack(args, program)
    cache.store(key, result, program.read if program is not None else ())
    return result


def _plan_stack(args: argparse.Namespace, program: Any = None) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    from eks_access.config.stackfile import read_stack_file

    stack = read_stack_file(_config_file(args), _stack_name(args))
    spec = stack.spec()  # names the file, line and key path, before Pulumi loads
    result = plan_stack_config(stack, stack.config, spec, program=program, preview=getattr(args, "preview", False))
    return result.resources, result.exports, dict(spec.guardrails)


def plan_stack_config(stack: Any, config: dict[str, Any], spec: Any, *, program: Any = None, preview: bool = False,
                      source: str | None = None) -> Any:  # fmt: skip
    """``config`` of ``stack``'s project planned by the strict offline engine. ``source`` names another
    file the config came from (a migration stage); without it a contract broken by a resource made
    from a Pulumi.yaml default is blamed on Pulumi.yaml, with its line."""
    from eks_access.offline import ContractError, plan_config

    try:
        return plan_config(config, stack=stack.stack, program=program or _project_program(stack.file), spec=spec,
                           project=stack.project, preview=preview, source=source or str(stack.file))  # fmt: skip
    except ContractError as err:
        if source is not None:
            raise
        raise stack.project_error(err.path, err.detail) or err from None


def _project_program(config_file: Path) -> Any:
    """The project's own ``__main__.py`` when it sits beside the stack file, run as pulumi runs it."""
    folder = config_file.resolve().parent
    if not (folder / "__main__.py").is_file() or not (folder / "Pulumi.yaml").is_file():
        return None
    from eks_access.offline.program import ProjectProgram

    return ProjectProgram(folder)


def _check_arguments(args: argparse.Namespace) -> None:
    """Arguments that end up in generated files or queries, checked against that file's grammar.

    One line, exit 2: ``-n $'default\\n'`` or ``--member $'dev1\\ncredential_process = ...'``
    must never reach a kubeconfig, an AWS config profile or an answer.
    """
    from eks_access.limits import (
        AWS_PROFILE_NAME,
        IAM_USER_NAME,
        ROLE_SESSION_NAME,
        dns1123_label_problem,
    )

    namespace = getattr(args, "namespace", None)
    if namespace is not None and dns1123_label_problem(namespace) is not None:
        raise UsageError(f"-n/--namespace: {namespace!r} is not a namespace name (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)")
    team = getattr(args, "team", None)
    if team is not None and dns1123_label_problem(team) is not None:
        raise UsageError(f"--team: {team!r} is not a team name (DNS-1123 label: lowercase letters, digits and '-', at most 63 characters)")
    member = getattr(args, "member", None)
    if member is not None and not (IAM_USER_NAME.fullmatch(member) and ROLE_SESSION_NAME.fullmatch(member)):
        raise UsageError(f"--member: {member!r} is not an IAM user name usable as a role session name (2-64 characters of letters, digits and +=,.@_-)")
    profile = getattr(args, "source_profile", None)
    if profile is not None and not AWS_PROFILE_NAME.fullmatch(profile):
        raise UsageError(f"--source-profile: {profile!r} is not an AWS CLI profile name (no spaces, newlines, '[', ']', '#', ';' or '=')")


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    _check_arguments(args)
    if getattr(args, "snapshot", None) is not None and command not in ("drift", "migrate"):
        from eks_access.cli.snapshot import run_with_snapshot

        return _emit(*run_with_snapshot(args))
    if command == "plan":
        return _cmd_plan(args)
    if command == "diff":
        from eks_access.cli.diff import run_diff

        return _emit(*run_diff(args))
    if command == "drift":
        from eks_access.cli.drift import run_drift

        return _emit(*run_drift(args))
    if command == "snapshot":
        from eks_access.cli.snapshot import run_snapshot

        return _emit(*run_snapshot(args))
    if command == "migrate":
        from eks_access.cli.migrate import run_migrate

        return _emit(*run_migrate(args))
    records, exports, guardrails_raw = _plan(args)
    if command == "check":
        from eks_access.guardrails import load_guardrail_config, run_checks
        from eks_access.guardrails.report import render

        config = load_guardrail_config(guardrails_raw, "team-cluster:guardrails") if guardrails_raw else None
        artifact = str(args.plan_file or args.config or f"Pulumi.{args.stack}.yaml")
        code, text = render(run_checks(records, config), args.format, resources=len(records), artifact=artifact)
        return _emit(code, text)
    if command in ("can-i", "who-can", "matrix", "diagram"):
        from eks_access.cli.queries import run_query

        return _emit(*run_query(args, records))
    return _cmd_member(args, exports)


def _cmd_plan(args: argparse.Namespace) -> int:
    from eks_access.plan.output import check_output_dir, write_plan
    from eks_access.plan.render import render_tree, summary

    if getattr(args, "plan_file", None):
        raise UsageError("--plan: `plan` makes a plan; it does not read one")
    out = Path(args.out) if args.out is not None else Path("build") / _stack_name(args)
    if args.out is not None and args.out.strip() == "":
        raise UsageError("--out: empty path; name a directory for the plan, e.g. build/dev")
    check_output_dir(out)
    records, exports, _ = _plan(args)
    with _cleanup_on_signals():
        write_plan(records, exports, out)
    if args.format == "json":
        return _emit(0, json.dumps({"out": str(out), "resources": records}, indent=2, sort_keys=True))
    text = "\n".join(
        [
            f"Plan of stack {_stack_name(args)} ({_config_file(args)}), offline on mocks: what `pulumi up` would create",
            "",
            render_tree(records),
            "",
            summary(records),
            f"Wrote {out}/plan.json, {out}/outputs.json, {out}/manifests/ and {out}/iam/",
        ]
    )
    return _emit(0, text)


def _cmd_member(args: argparse.Namespace, exports: dict[str, Any]) -> int:
    if not exports:
        raise UsageError(f"{args.command} needs the stack (--stack/--config), not --plan")
    teams = exports.get("teams", {})
    if args.team not in teams:
        known = ", ".join(sorted(teams)) or "none"
        raise UsageError(f"--team: no team named {args.team!r} (teams: {known})")
    team = teams[args.team]
    if args.command == "kubeconfig":
        return _emit(0, str(team["kubeconfig"]).rstrip("\n"))
    from eks_access import documents as docs

    cluster_arn = str(exports.get("clusterArn", ""))
    if cluster_arn.count(":") < 5:
        raise UsageError("aws-config: the stack exports no clusterArn to take the region from")
    region = cluster_arn.split(":")[3]
    session = args.member or ("<your-iam-user-name>" if "role_session_name" in str(team["awsProfile"]) else None)
    text = docs.aws_profile(args.team, str(team["roleArn"]), region, source_profile=args.source_profile, session_name=session)
    return _emit(0, text.rstrip("\n"))


def _emit(code: int, text: str) -> int:
    if text:
        print(text)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

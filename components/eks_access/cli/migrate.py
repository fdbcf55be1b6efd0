"""``eks-access migrate``: aws-auth to access entries, as stack configs applied in order, each proved.

Reads a stack config (``--stack NAME`` / ``--config FILE``) whose cluster runs ``CONFIG_MAP`` or
``API_AND_CONFIG_MAP`` (a live cluster's snapshot, ``--snapshot FILE``, is ``cli/migrate_snapshot.py``),
computes the stages (``analysis/migrate/stages.py``), plans the current config and every stage
offline through the strict offline engine, and proves each stage against the one before
(``analysis/migrate/proof.py``) and the lockout guard (``analysis/migrate/guard.py``).

Exit 0: every stage proved, the stages are written to ``--out DIR``. Exit 1: a difference (not
written unless ``--allow-difference``), or a stage that locks someone out or cannot be expressed
(never written). Exit 2: bad input, one line. ``DIR`` must be absent or empty: the stages are
written into a new sibling directory that is renamed into place, so ``DIR`` holds all of them or
none, and no file we did not create is ever touched.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from eks_access.errors import EksAccessError, SpecError, UsageError, one_line
from eks_access.model.eks import CLUSTER_CREATOR

#: how the report names a snapshot source (``snapshot FILE``), a stack config being its file name
SNAPSHOT_SOURCE = "snapshot "


def add_migrate_command(sub: Any, common: argparse.ArgumentParser, fmt: argparse.ArgumentParser) -> None:
    p = sub.add_parser("migrate", parents=[common, fmt],
                       help="aws-auth to access entries: staged stack configs, each proved with the analyzer")  # fmt: skip
    p.add_argument("--out", required=True, help="directory for stage1.yaml, stage2.yaml, ... (--snapshot: stage1/, stage2/, ...); must be absent or empty")
    p.add_argument("--allow-difference", action="store_true",
                   help="write the stages even when a principal's identity or permissions differ (each listed with its reason)")  # fmt: skip


@dataclass(frozen=True)
class StageResult:
    number: int
    title: str
    file: str
    changes: tuple[str, ...]
    lines: tuple[Any, ...]
    lockouts: tuple[Any, ...]


def run_migrate(args: argparse.Namespace) -> tuple[int, str]:
    from eks_access.analysis.migrate.stages import migration_stages
    from eks_access.cli.main import _config_file, _stack_name
    from eks_access.config.stackfile import read_stack_file

    if getattr(args, "plan_file", None):
        raise UsageError("--plan: `migrate` reads a stack config (--stack/--config), not a plan")
    if getattr(args, "snapshot", None) is not None:
        from eks_access.cli.migrate_snapshot import run_snapshot_migrate

        return run_snapshot_migrate(args)
    out = _checked_out(args.out)
    file = _config_file(args)
    stack = read_stack_file(file, _stack_name(args))
    spec = stack.spec()
    config = _decoded(stack.config, stack.project)
    try:
        stages = migration_stages(config, spec, stack.project)
    except SpecError as err:
        raise stack.error(f"{stack.project}:{err.path}", err.detail) from None
    results, conflicts, blocked = _prove(stack, spec, stages)
    files = [(s.file_name, _stage_yaml(s, str(file))) for s in stages]
    return finish(args, str(file), out, (results, conflicts, blocked), files)


def finish(args: argparse.Namespace, source: str, out: Path, proved: tuple[list[StageResult], list[Any], str],
           files: Sequence[tuple[str, str]]) -> tuple[int, str]:  # fmt: skip
    """Write ``files`` into ``out`` (all or none) when every stage is proved (or differences are
    allowed) and nothing is blocked or locked out; the exit code and the report."""
    results, conflicts, blocked = proved
    differences = sum(1 for r in results for line in r.lines if line.kind == "difference")
    lockouts = sum(len(r.lockouts) for r in results)
    written = not blocked and lockouts == 0 and (differences == 0 or args.allow_difference)
    if written:
        from eks_access.cli.main import _cleanup_on_signals

        with _cleanup_on_signals():  # Ctrl-C while writing unwinds, and _write removes its sibling
            _write(out, files)
    code = 0 if differences == 0 and lockouts == 0 and not blocked else 1
    render = _json if args.format == "json" else _text
    return code, render(source, str(out), results, conflicts, blocked, written)


def _checked_out(text: str) -> Path:
    if text.strip() == "":
        raise UsageError("--out: empty path; name a directory for the stage configs")
    out = Path(text)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"--out: {text} exists and is not a directory; name an absent or empty directory")
    if out.is_dir() and any(out.iterdir()):
        raise UsageError(f"--out: {text} is not empty; name an absent or empty directory (nothing of yours is overwritten)")
    if not out.parent.is_dir():
        raise UsageError(f"--out: {out.parent} does not exist")
    return out


def _decoded(config: dict[str, Any], project: str) -> dict[str, Any]:
    """The config with the project's values decoded (JSON text from the engine becomes objects)."""
    from eks_access.config.stackfile import raw_stack_config

    raw = raw_stack_config(config, project)
    out = dict(config)
    for key in ("cluster", "teams", "users"):
        if key in raw:
            out[f"{project}:{key}"] = raw[key]
    return out


def _prove(stack: Any, spec: Any, stages: Sequence[Any]) -> tuple[list[StageResult], list[Any], str]:
    from eks_access.analysis.migrate.guard import conflicts, lockouts, node_roles
    from eks_access.analysis.migrate.proof import prove_stage
    from eks_access.config.stackfile import validate_config

    before_records = _plan(stack, stack.config, spec)
    before = _analyzer(before_records)
    creator = _creator(before_records)
    nodes = node_roles(before)
    found = {c.principal: c for c in conflicts(before)}
    results: list[StageResult] = []
    for stage in stages:
        try:
            stage_spec = validate_config(stage.config, Path(stage.file_name), stack.project)
            after = _analyzer(_plan(stack, stage.config, stage_spec, stage.file_name))
        except EksAccessError as err:
            return results, list(found.values()), f"stage {stage.number} cannot be deployed: {one_line(str(err))}"
        for c in conflicts(after):
            found.setdefault(c.principal, c)
        admins = [a for a in (creator, *stage_spec.cluster.admins) if a]
        proof = prove_stage(before, after)
        results.append(StageResult(stage.number, stage.title, stage.file_name, stage.changes, proof.lines,
                                   tuple(lockouts(after, admins, nodes))))  # fmt: skip
        before = after
    return results, list(found.values()), ""


def _plan(stack: Any, config: dict[str, Any], spec: Any, source: str | None = None) -> list[dict[str, Any]]:
    """The records of ``config`` planned by the strict offline engine; a stage names itself as the source."""
    from eks_access.cli.main import plan_stack_config

    return list(plan_stack_config(stack, config, spec, source=source).resources)


def _analyzer(records: list[dict[str, Any]]) -> Any:
    from eks_access.analysis import Analyzer

    return Analyzer.from_records(records)


def _creator(records: list[dict[str, Any]]) -> str | None:
    """The deployer as EKS records it: the principal of the creator's implicit access entry."""
    for r in records:
        if r.get("implicit") == CLUSTER_CREATOR and r["type"] == "aws:eks/accessEntry:AccessEntry":
            return str(r["inputs"].get("principalArn"))
    return None


def _stage_yaml(stage: Any, source: str) -> str:
    head = [f"# Stage {stage.number} of the aws-auth -> access entries migration of {one_line(source)}: {stage.title}.",
            "# Written by `eks-access migrate`; apply the stages in order with `pulumi up`. Changes:"]  # fmt: skip
    head += [f"#   {one_line(c)}" for c in stage.changes]
    body = yaml.safe_dump({"config": stage.config}, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return "\n".join(head) + "\n" + body


def _write(out: Path, files: Sequence[tuple[str, str]]) -> None:
    """All stages or none: a new sibling directory, filled, then renamed to ``out``."""
    parent = out.parent
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.migrate-", dir=parent))
    try:
        for name, text in files:  # a name may hold a directory (stage1/apply.sh); a script is made executable
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if name.endswith(".sh"):
                path.chmod(0o755)
        os.replace(tmp, out)  # rename(2) replaces an empty directory, never a non-empty one
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise


def _text(source: str, out: str, results: Sequence[StageResult], conflicts: Sequence[Any], blocked: str, written: bool) -> str:
    how = "checked as EKS checks it" if source.startswith(SNAPSHOT_SOURCE) else "planned offline"
    lines = [f"Migration of {source} from aws-auth to access entries: each stage {how} and proved against the one before"]
    for c in conflicts:
        lines.append(f"CONFLICT {c.principal}: access entry {c.entry}; aws-auth row {c.row} (EKS uses the entry)")
    for r in results:
        lines += ["", f"Stage {r.number} ({r.file}): {r.title}"]
        lines += [f"  change: {c}" for c in r.changes]
        for line in r.lines:
            tail = f"  [{line.reason}]" if line.reason else ""
            lines.append(f"  {line.kind}: {line.principal}: {line.text}{tail}")
        lines += [f"  LOCKOUT {x.principal}: {x.text}" for x in r.lockouts]
    lines.append("")
    lines.append(_verdict(results, blocked, written, out))
    return "\n".join(lines)


def _verdict(results: Sequence[StageResult], blocked: str, written: bool, out: str) -> str:
    differences = sum(1 for r in results for line in r.lines if line.kind == "difference")
    lockouts = sum(len(r.lockouts) for r in results)
    if blocked:
        return f"Refused: {blocked}; nothing written"
    if lockouts:
        return f"Refused: {lockouts} lockout(s); nothing written"
    if differences and not written:
        return f"{differences} difference(s), each listed with its reason; nothing written (--allow-difference writes them)"
    prefix = f"{differences} difference(s) allowed; " if differences else "Proved: no principal's identity or permissions change; "
    return prefix + f"wrote {', '.join(f'{out}/{r.file}' for r in results)}"


def _json(source: str, out: str, results: Sequence[StageResult], conflicts: Sequence[Any], blocked: str, written: bool) -> str:
    doc = {
        "source": source,
        "out": out if written else None,
        "conflicts": [{"principal": c.principal, "accessEntry": c.entry, "awsAuth": c.row} for c in conflicts],
        "stages": [{
            "number": r.number, "title": r.title, "file": r.file, "changes": list(r.changes),
            "proof": [{"kind": x.kind, "principal": x.principal, "text": x.text, "reason": x.reason} for x in r.lines],
            "lockouts": [{"principal": x.principal, "text": x.text} for x in r.lockouts],
        } for r in results],
        "verdict": _verdict(results, blocked, written, out),
    }
    return json.dumps(doc, indent=2)


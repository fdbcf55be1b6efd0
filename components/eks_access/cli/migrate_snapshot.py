"""``eks-access migrate --snapshot FILE --out DIR``: a live cluster's aws-auth to access entries.

The stages (``analysis/migrate/snapshot_stages.py``) are what the user applies to the existing
cluster, written per stage into ``DIR/stageN/``:

- ``NN-<command>-<principal>.json``: one EKS API request each, in order, as
  ``aws eks <command> --cli-input-json file://...`` reads it;
- ``aws-auth.yaml``: the ``kube-system/aws-auth`` ConfigMap after the stage (not in the stage that
  switches to API mode, where aws-auth is no longer read);
- ``apply.sh``: the commands, in order, every argument quoted with ``shlex``.

Before anything is proved, each stage is checked as EKS checks it: every request by botocore's
``ParamValidator`` against the EKS service model and by the one-way mode rule
(``analysis/migrate/requests.py``), and the snapshot after the stage by the offline EKS contracts
(``offline/contracts/eks.py``: a violation the stage introduces refuses it). The proof then reads
the snapshot before and after each stage with the one snapshot reader (``model.from_snapshot``)
and compares them with ``analysis/migrate/proof.py`` and ``guard.py``, as the stack path does.
Exit codes and the all-or-nothing ``DIR`` are the stack path's (``cli/migrate.finish``).
"""

from __future__ import annotations

import argparse
import json
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from eks_access.errors import SpecError, UsageError, one_line
from eks_access.model.eks import AWS_AUTH_NODE_ENTRY_TYPES, CLUSTER_CREATOR

FIELD_MANAGER = "eks-access-migrate"
#: EKS creates the node entry of a managed node group's role or a Fargate profile's pod execution role
#: itself once the cluster reads access entries (EKS user guide, migrating-access-entries: check that
#: those entries exist before removing their aws-auth rows), so the script creates a node entry only
#: when DescribeAccessEntry finds none (``model.eks.AWS_AUTH_NODE_ENTRY_TYPES``).


def run_snapshot_migrate(args: argparse.Namespace) -> tuple[int, str]:
    from eks_access.analysis.migrate.snapshot_stages import snapshot_stages
    from eks_access.cli.migrate import SNAPSHOT_SOURCE, _checked_out, finish

    if getattr(args, "config", None):
        raise UsageError("--snapshot: give one source (--snapshot or --stack/--config), not several")
    out = _checked_out(args.out)
    path = Path(args.snapshot)
    doc = _read(path)
    try:
        stages = snapshot_stages(doc)
    except SpecError as err:
        raise UsageError(f"--snapshot: {path}: {err}") from None
    proved = _prove(doc, stages)
    return finish(args, SNAPSHOT_SOURCE + str(path), out, proved, [f for s in stages for f in stage_files(s, doc, str(path))])


def _read(path: Path) -> dict[str, Any]:
    from eks_access.model.from_snapshot import SnapshotError, read_snapshot
    from eks_access.snapshot.files import read_snapshot_file

    doc = read_snapshot_file(path)
    try:
        read_snapshot(doc)  # the document checked as every --snapshot command checks it
    except SnapshotError as err:
        raise UsageError(f"--snapshot: {path}: {err}") from None
    return doc


def _analyzer(doc: Mapping[str, Any]) -> Any:
    from eks_access.analysis import Analyzer
    from eks_access.model.from_snapshot import read_snapshot

    return Analyzer(read_snapshot(doc))


def _prove(doc: Mapping[str, Any], stages: Sequence[Any]) -> tuple[list[Any], list[Any], str]:
    from eks_access.analysis.migrate.guard import conflicts, lockouts, node_roles
    from eks_access.analysis.migrate.proof import prove_stage
    from eks_access.cli.migrate import StageResult

    before = _analyzer(doc)
    admins = deployers(doc, before)
    nodes = node_roles(before)
    existing = {str(body["accessEntry"]["principalArn"]).lower() for body in doc["eks"]["accessEntries"]}
    found = {c.principal: c for c in conflicts(before) if c.principal.lower() in existing}
    results: list[StageResult] = []
    previous: Mapping[str, Any] = doc
    for stage in stages:
        problem = refusal(stage, previous)
        if problem is not None:
            return results, list(found.values()), f"stage {stage.number} cannot be deployed: {problem}"
        after = _analyzer(stage.document)
        for c in conflicts(after):  # an entry that existed beside a row it disagrees with; not the stage's own
            if c.principal.lower() in existing:
                found.setdefault(c.principal, c)
        proof = prove_stage(before, after)
        results.append(StageResult(stage.number, stage.title, stage.file_name, stage.changes, proof.lines,
                                   tuple(lockouts(after, admins, nodes))))  # fmt: skip
        before, previous = after, stage.document
    return results, list(found.values()), ""


def deployers(doc: Mapping[str, Any], before: Any) -> list[str]:
    """Who must keep cluster-admin: the cluster creator (EKS's implicit entry) and the snapshot's
    caller (``caller``, the ARN sts GetCallerIdentity returned: a session is its role, whose path
    the role list gives) when the caller is an IAM user or role holding cluster-admin before the migration."""
    out: list[str] = []
    for m in before.model.eks.mappings:
        if m.implicit == CLUSTER_CREATOR and m.mechanism == "access-entry" and m.principal_arn:
            out.append(m.principal_arn)
    caller = _caller_principal(doc)
    if caller is not None and caller not in out:
        answer = before.can_i(caller, "*", "*")
        if answer.allowed and not answer.conditional:
            out.append(caller)
    return out


def _caller_principal(doc: Mapping[str, Any]) -> str | None:
    from eks_access.model.arns import parse_identity, parse_session

    caller = doc.get("caller")
    if not isinstance(caller, str):
        return None
    session = parse_session(caller)
    if session is None:  # an IAM user or role; the account's root user or a federated user has no mapping to keep
        return caller if parse_identity(caller) is not None else None
    for role in doc["iam"]["RoleDetailList"]:
        if isinstance(role, Mapping) and role.get("RoleName") == session.role and isinstance(role.get("Arn"), str):
            return str(role["Arn"])
    return session.role_arn


def refusal(stage: Any, previous: Mapping[str, Any]) -> str | None:
    """Why EKS would refuse the stage applied to ``previous``: a request botocore's validator or
    the mode rule refuses, or an EKS contract the snapshot after the stage breaks and the one
    before did not."""
    from eks_access.analysis.migrate.requests import (
        ASSOCIATE_ACCESS_POLICY,
        UPDATE_CLUSTER_CONFIG,
        shape_problem,
    )
    from eks_access.model.eks import mode_change_problem

    mode = str(((previous["eks"]["cluster"] or {}).get("accessConfig") or {}).get("authenticationMode"))
    entries = {str(body["accessEntry"]["principalArn"]) for body in stage.document["eks"]["accessEntries"]}
    for name, request in zip(request_names(stage), stage.requests, strict=True):
        problem = shape_problem(request)
        if problem is None and request.operation == UPDATE_CLUSTER_CONFIG:
            wanted = str(request.params["accessConfig"]["authenticationMode"])
            problem, mode = mode_change_problem(mode, wanted), wanted
        elif problem is None and request.operation == ASSOCIATE_ACCESS_POLICY and request.params["principalArn"] not in entries:
            # the contract's own words (offline/contracts/eks.py); the snapshot has no place for an association without its entry
            problem = (f"{request.params['principalArn']} has no access entry in cluster {request.params['clusterName']}; "
                       "AssociateAccessPolicy fails with ResourceNotFoundException")  # fmt: skip
        if problem is not None:
            return f"{stage.file_name}/{name}: {request.operation}: {problem}"
    return _contract_problem(stage, previous)


def _contract_problem(stage: Any, previous: Mapping[str, Any]) -> str | None:
    from eks_access.model.from_snapshot import snapshot_records
    from eks_access.offline.contracts import eks
    from eks_access.offline.contracts.base import Plan

    def found(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [(v.resource, v.message) for v in eks.check(Plan(list[Any](snapshot_records(doc))))]

    known = set(found(previous))
    for resource, message in found(stage.document):
        if (resource, message) not in known:
            return f"{stage.file_name}: {resource}: {message}"
    return None


def request_names(stage: Any) -> list[str]:
    return [f"{i:02d}-{r.command}-{r.subject}.json" for i, r in enumerate(stage.requests, start=1)]


def stage_files(stage: Any, doc: Mapping[str, Any], source: str) -> list[tuple[str, str]]:
    """``stageN/``: the request files, ``aws-auth.yaml`` and ``apply.sh``."""
    names = request_names(stage)
    files = [(f"{stage.file_name}/{name}", json.dumps(dict(r.params), indent=2) + "\n") for name, r in zip(names, stage.requests, strict=True)]
    if stage.aws_auth is not None:
        body = yaml.dump(dict(stage.aws_auth), Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True)
        files.append((f"{stage.file_name}/aws-auth.yaml", body))
    files.append((f"{stage.file_name}/apply.sh", _script(stage, names, doc, source)))
    return files


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (aws-auth's YAML lists) as literal blocks, as `kubectl get -o yaml` shows them."""


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text_block)


def _script(stage: Any, names: Sequence[str], doc: Mapping[str, Any], source: str) -> str:
    region = ["--region", str(doc["region"])] if isinstance(doc.get("region"), str) and doc["region"] else []
    cluster = str(doc["eks"]["cluster"]["name"])
    lines = ["#!/bin/sh",
             f"# Stage {stage.number} of the aws-auth -> access entries migration of cluster {one_line(cluster)} "
             f"(snapshot {one_line(source)}): {stage.title}.",
             "# Written by `eks-access migrate --snapshot`; run the stages in order, each after the one before succeeded.",
             "# kubectl must point at the cluster. Changes:" if stage.aws_auth is not None else "# Changes:"]  # fmt: skip
    lines += [f"#   {one_line(c)}" for c in stage.changes]
    lines += ["set -eu", 'cd -- "$(dirname -- "$0")"']
    for name, request in zip(names, stage.requests, strict=True):
        line = shlex.join(["aws", "eks", request.command, *region, "--cli-input-json", f"file://{name}"])
        if request.params.get("type") in AWS_AUTH_NODE_ENTRY_TYPES:  # EKS may have made it for a managed node group or Fargate profile
            line = shlex.join(["aws", "eks", "describe-access-entry", *region, "--cluster-name", cluster, "--principal-arn",
                               str(request.params["principalArn"])]) + " >/dev/null 2>&1 || " + line  # fmt: skip
        lines.append(line)
        if request.command == "update-cluster-config":  # the mode changes asynchronously: wait for it
            lines.append(shlex.join(["aws", "eks", "wait", "cluster-active", *region, "--name", cluster]))
    if stage.aws_auth is not None:
        lines.append(shlex.join(["kubectl", "apply", "--server-side", "--force-conflicts",
                                 f"--field-manager={FIELD_MANAGER}", "-f", "aws-auth.yaml"]))  # fmt: skip
    return "\n".join(lines) + "\n"

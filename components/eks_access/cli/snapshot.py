"""``--snapshot FILE`` on check and the analyzer commands, and the ``snapshot`` command.

A snapshot is read into the same access model as a plan (``eks_access.model.from_snapshot``),
so answers, chains, findings and formats are the plan's. Calls the collector was refused are
said in every answer they could change: as answer notes (can-i), as ``incomplete:`` lines
before text output (who-can, matrix, check), on stderr beside JSON output.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from eks_access.errors import UsageError

SNAPSHOT_COMMANDS = ("check", "can-i", "who-can", "matrix", "diagram")


def add_snapshot_command(sub: Any) -> None:
    p = sub.add_parser("snapshot", help="read a live account and cluster, read-only, into a snapshot file")
    p.add_argument("--cluster", required=True, help="EKS cluster name")
    p.add_argument("--region", help="AWS region (default: the profile's)")
    p.add_argument("--profile", help="AWS profile (default: the environment's credentials)")
    p.add_argument("--kubeconfig", help="reach the API server through this kubeconfig (default: an EKS token, as `aws eks get-token`)")
    p.add_argument("--context", dest="kube_context", help="the kubeconfig context (with --kubeconfig)")
    p.add_argument("--out", required=True, help="the snapshot file to write (mode 0600); an existing file must be a snapshot")


def snapshot_model(args: argparse.Namespace) -> Any:
    from eks_access.model.from_snapshot import SnapshotError, read_snapshot
    from eks_access.snapshot.files import read_snapshot_file

    path = Path(args.snapshot)
    try:
        return read_snapshot(read_snapshot_file(path))
    except SnapshotError as err:
        raise UsageError(f"--snapshot: {path}: {err}") from None


def run_with_snapshot(args: argparse.Namespace) -> tuple[int, str]:
    if args.command not in SNAPSHOT_COMMANDS:
        raise UsageError(f"--snapshot: `{args.command}` does not read a snapshot")
    if getattr(args, "plan_file", None) or getattr(args, "config", None):
        raise UsageError("--snapshot: give one source (--snapshot, --plan or --config), not several")
    model = snapshot_model(args)
    code, text = _run(args, model)
    lines = [d.note for d in model.denied]
    if lines and args.command != "can-i":
        if args.format == "text":
            text = "\n".join([*lines, text])
        else:
            for line in lines:
                print(f"eks-access: {line}", file=sys.stderr)
    return code, text


def _run(args: argparse.Namespace, model: Any) -> tuple[int, str]:
    if args.command == "check":
        from eks_access.guardrails import run_checks
        from eks_access.guardrails.report import render

        return render(run_checks(model), args.format, resources=len(model.records), artifact=str(args.snapshot))
    from eks_access.analysis.analyzer import Analyzer
    from eks_access.cli.queries import run_query

    return run_query(args, Analyzer(model, args.kubernetes_version))  # type: ignore[arg-type]


def run_snapshot(args: argparse.Namespace) -> tuple[int, str]:
    from eks_access.snapshot.files import check_out, write_snapshot

    if args.kube_context and not args.kubeconfig:
        raise UsageError("--context: names a context of --kubeconfig; give --kubeconfig too")
    out = Path(args.out)
    check_out(out)
    try:
        doc, denied = _collect(args)
    except Exception as err:  # the SDKs' own errors (credentials, network, a wrong cluster name): one line
        if type(err).__module__.split(".")[0] not in ("botocore", "boto3", "kubernetes", "urllib3"):
            raise
        raise UsageError(f"snapshot: {type(err).__name__}: {err}") from None
    write_snapshot(doc, out)
    from eks_access.model.denied import DeniedCall

    notes = [DeniedCall(**d).note for d in denied.calls]
    return 0, "\n".join([*notes, f"Wrote {out} (mode 0600): {denied.summary}"])


def _collect(args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    from eks_access.snapshot.progress import Progress

    say = Progress(sys.stderr)
    try:
        return _collect_all(args, say)
    finally:
        say.done()


def _collect_all(args: argparse.Namespace, say: Any) -> tuple[dict[str, Any], Any]:
    from eks_access.snapshot import collect as c
    from eks_access.snapshot import connect

    sess = connect.session(args.profile, args.region)
    denied = c.Denied()
    say("identity: sts GetCallerIdentity")
    identity = denied.count(connect.client(sess, "sts")).get_caller_identity()
    say("IAM: GetAccountAuthorizationDetails")
    iam = c.collect_iam(denied.count(connect.client(sess, "iam")), denied)
    say(f"EKS: cluster {args.cluster}, access entries, access policies, Pod Identity, add-ons")
    eks = c.collect_eks(denied.count(connect.client(sess, "eks")), args.cluster, denied, c.WORKERS)
    say("Kubernetes: RBAC, ServiceAccounts, Namespaces, aws-auth, version, discovery")
    with tempfile.TemporaryDirectory(prefix="eks-access-") as workdir:  # 0700, removed with the CA file in it
        api = connect.api_client(sess, eks["cluster"], args.kubeconfig, args.kube_context, workdir)
        k8s = c.collect_kubernetes(api, denied) if api is not None else _no_kubernetes(denied)
    return c.snapshot_document(args.cluster, sess.region_name, identity, iam, eks, k8s, denied), denied


def _no_kubernetes(denied: Any) -> dict[str, Any]:
    from eks_access.snapshot.collect import K8S_LISTS

    denied.add("kubernetes", "connect", "", "no endpoint: DescribeCluster was denied and no --kubeconfig given")
    return {"serverVersion": None, "awsAuth": None, **{k: [] for k, _p, _o in K8S_LISTS}, "discovery": None}


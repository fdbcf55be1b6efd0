"""Refresh ``data/`` from local git copies of the two sources (maintainers only; not imported).

``python components/eks_access/awsdata/vendor.py MAMIP_GIT_DIR|moto EKS_GUIDE_GIT_DIR`` (a plain script, so
it runs before data/ exists) reads
- the AWS-managed policies in ``MANAGED_POLICY_NAMES``, from one of:
  - z0ph/MAMIP (a tracker that stores ``aws iam get-policy-version`` output of every AWS-managed
    policy under ``policies/<Name>``) at its HEAD;
  - ``moto``: the installed moto's ``moto/iam/aws_managed_policies.py``, which moto's maintainers
    write with ``scripts/update_managed_policies.py``: IAM ``ListPolicies(Scope=AWS)`` and, for
    each, ``GetPolicyVersion`` of its ``DefaultVersionId`` (the document), keeping the policy's
    ``CreateDate`` and ``UpdateDate`` (when the default version was set);
- awsdocs/amazon-eks-user-guide at its HEAD, ``ACCESS_POLICY_PAGE``: the AsciiDoc source of
  https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html,
and rewrites ``data/managed-policies.json`` and ``data/eks-access-policies.json``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

# Every AWS-managed policy the stack, README, tests and guardrails name, plus the EKS node and
# cluster role policies. All live at path "/" (arn:aws:iam::aws:policy/<Name>).
MANAGED_POLICY_NAMES = (
    "AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "ReadOnlyAccess",
    "AmazonS3ReadOnlyAccess", "AmazonS3FullAccess", "CloudWatchReadOnlyAccess",
    "AmazonEKSClusterPolicy", "AmazonEKSServicePolicy", "AmazonEKSVPCResourceController",
    "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore", "SecretsManagerReadWrite", "AmazonSSMFullAccess",
    "AmazonSSMReadOnlyAccess", "AmazonEC2FullAccess", "AWSLambda_FullAccess",
    "AmazonDynamoDBFullAccess",
)  # fmt: skip
ACCESS_POLICY_PAGE = "latest/ug/manage-access/k8s-access/access-policy-reference.adoc"
DATA = Path(__file__).resolve().parent / "data"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip


def managed_policies(repo: Path) -> dict[str, Any]:
    head, date = git(repo, "log", "-1", "--format=%H %cI").split()
    policies: dict[str, Any] = {}
    for name in MANAGED_POLICY_NAMES:
        version = json.loads(git(repo, "show", f"{head}:policies/{name}"))["PolicyVersion"]
        if not version.get("IsDefaultVersion"):
            raise SystemExit(f"{name}: the tracked version is not the default version")
        policies[f"arn:aws:iam::aws:policy/{name}"] = {
            "name": name, "path": f"policies/{name}", "versionId": version["VersionId"],
            "createDate": version["CreateDate"], "document": version["Document"],
        }  # fmt: skip
    return {"source": f"https://github.com/z0ph/MAMIP commit {head}", "retrieved": date,
            "policies": policies}  # fmt: skip


def managed_policies_from_moto() -> dict[str, Any]:
    import moto  # a test dependency; maintainers only
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    newest = max(p["UpdateDate"] for p in data.values())
    policies: dict[str, Any] = {}
    for name in MANAGED_POLICY_NAMES:
        p = data[name]
        if p["Path"] != "/":
            raise SystemExit(f"{name}: not at path /")
        policies[f"arn:aws:iam::aws:policy/{name}"] = {
            "name": name, "path": f"moto/iam/aws_managed_policies.py {name}", "versionId": p["DefaultVersionId"],
            "createDate": p["UpdateDate"], "document": p["Document"],
        }  # fmt: skip
    return {"source": f"moto {moto.__version__} moto/iam/aws_managed_policies.py (IAM ListPolicies Scope=AWS + "
                      "GetPolicyVersion of each DefaultVersionId, by moto's scripts/update_managed_policies.py)",
            "retrieved": newest, "policies": policies}  # fmt: skip


_SECTION = re.compile(r"^== (AmazonEKS\w+)\s*$", re.M)


def cell_values(cell: str) -> list[str]:
    """```get``, `list``` / ``\\*`` / ``+*+`` / r``esourcequotas/status`` -> plain values."""
    text = cell.replace("`", "").replace("\\*", "*").replace("+*+", "*")
    return [v.strip() for v in text.split(",") if v.strip()]


def table_rules(table: str) -> list[dict[str, Any]]:
    cells = [line[1:] for line in table.splitlines() if line.startswith("|") and line != "|==="]
    header = [c.strip().lower() for c in cells[: 4 if "nonresourceurls" in table.lower() else 3]]
    width = len(header)
    body = cells[width:]
    rules: list[dict[str, Any]] = []
    for i in range(0, len(body), width):
        row = dict(zip(header, body[i : i + width], strict=True))
        verbs = cell_values(row["kubernetes verbs (permissions)"])
        urls = cell_values(row.get("kubernetes nonresourceurls", ""))
        if urls:
            rules.append({"nonResourceURLs": urls, "verbs": verbs})
        else:
            groups = cell_values(row["kubernetes api groups"]) or [""]
            rules.append({"apiGroups": groups,
                          "resources": cell_values(row["kubernetes resources"]), "verbs": verbs})  # fmt: skip
    return rules


def access_policies(repo: Path) -> dict[str, Any]:
    head = git(repo, "log", "-1", "--format=%H").strip()
    changed, date = git(repo, "log", "-1", "--format=%H %cI", "--", ACCESS_POLICY_PAGE).split()
    page = git(repo, "show", f"{head}:{ACCESS_POLICY_PAGE}")
    parts = _SECTION.split(page)
    policies: dict[str, Any] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        table = body.split("|===", 1)[1].split("|===", 1)[0] if "|===" in body else None
        policies[name] = {"rules": table_rules("|===" + table + "|===") if table else None}
    return {"source": "EKS User Guide, Review access policy permissions "
                      "(https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html), "
                      f"AsciiDoc source https://github.com/awsdocs/amazon-eks-user-guide "
                      f"{ACCESS_POLICY_PAGE} at commit {changed}",
            "retrieved": date, "policies": policies}  # fmt: skip


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    managed = managed_policies_from_moto() if argv[0] == "moto" else managed_policies(Path(argv[0]))
    for name, doc in (("managed-policies.json", managed),
                      ("eks-access-policies.json", access_policies(Path(argv[1])))):  # fmt: skip
        (DATA / name).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The README's library snippet is real: it runs on mocks and produces the worked example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eks_access.offline import FakeCloud, run_program

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_snippet_declares_the_worked_example() -> None:
    [block] = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S) if "TeamAccess" in b]
    records = run_program(lambda: exec(block, {}), config={}, cloud=FakeCloud(region="ap-northeast-2")).resources
    by_name = {r["name"]: r for r in records}
    assert by_name["developers-role"]["inputs"]["name"] == "EKSMyExampleViewer"
    assert by_name["developers-member/dev1"]["inputs"] == {"user": "dev1", "groups": ["Developers"]}
    assert by_name["developers-crb/view"]["inputs"]["roleRef"]["name"] == "view"
    assert by_name["developers-access-entry"]["inputs"]["userName"] == "developer"
    trust = json.loads(by_name["default/my-sa-role"]["inputs"]["assumeRolePolicy"])["Statement"][0]
    assert trust["Condition"]["StringEquals"]["oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"] == (
        "system:serviceaccount:default:my-sa")
    assert by_name["default/my-sa-policy/aws/AmazonS3ReadOnlyAccess"]["inputs"]["policyArn"] == (
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")


def test_readme_can_i_sample_is_what_the_analyzer_prints(dev_plan_resources: list[dict[str, object]]) -> None:
    from eks_access.analysis.commands import can_i

    text = README.read_text()
    match = re.search(r"```text\n\$ eks-access can-i list pods -n default --as (\S+)\n(.*?)```", text, flags=re.S)
    assert match is not None
    code, output = can_i(dev_plan_resources, "list", "pods", "default", match.group(1), "text")
    assert code == 0
    assert output.strip() == match.group(2).strip()


def test_readme_analyzer_snippet_runs(dev_plan_resources: list[dict[str, object]], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    [block] = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S) if "Analyzer" in b]
    (tmp_path / "build" / "dev").mkdir(parents=True)
    (tmp_path / "build" / "dev" / "plan.json").write_text(json.dumps(dev_plan_resources))
    monkeypatch.chdir(tmp_path)
    exec(block, {})
    assert capsys.readouterr().out.splitlines() == [
        "True []",
        "IAM user dev1 is a member of IAM group Developers (developers-member/dev1)",
        "group Developers may assume role EKSMyExampleViewer (policy developers-assume-role); trust: account root",
        "role EKSMyExampleViewer maps to Kubernetes user developer, groups [developers] (access entry developers-access-entry)",
        "group developers is bound to ClusterRole view (ClusterRoleBinding developers-view), which allows list on pods",
        # the cluster creator (whoever runs `pulumi up`; offline the placeholder deployer) is cluster-admin
        "['arn:aws:iam::111122223333:user/offline-plan-deployer', 'arn:aws:iam::111122223333:role/EKSOperators', "
        "'arn:aws:iam::111122223333:user/ope1']",
        "True",
    ]

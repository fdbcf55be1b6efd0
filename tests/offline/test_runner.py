"""The runner: refusals reach the user as one line (exit 2, nothing written), plans are deterministic."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
import pytest

from eks_access.cli import main
from eks_access.errors import SpecError
from eks_access.offline import (
    ContractError,
    FakeCloud,
    UnknownInvokeError,
    plan_config,
    run_program,
    runtime,
)
from tests.offline.helpers import ACCOUNT, NODE_TRUST, by_name, cloud, refused, run

STACK = """config:
  aws:region: ap-northeast-2
  team-cluster:accountId: "111122223333"
  team-cluster:cluster: {name: c}
"""


def test_a_duplicate_urn_raised_inside_the_mock_reaches_the_caller_unchanged() -> None:
    def program() -> None:
        aws.iam.Role("same", name="A", assume_role_policy=NODE_TRUST)
        aws.iam.Role("same", name="B", assume_role_policy=NODE_TRUST)

    assert refused(program) == "two resources of type aws:iam/role:Role are both named 'same'; Pulumi refuses a duplicate resource URN"


def test_unknown_provider_functions_and_reads_of_existing_resources_are_refused() -> None:
    def invoke() -> None:
        aws.get_availability_zones()

    def read() -> None:
        aws.iam.Role.get("existing", "SomeRole")

    with pytest.raises(UnknownInvokeError) as err:
        run(invoke)
    assert str(err.value) == (
        "the offline plan cannot answer provider function 'aws:index/getAvailabilityZones:getAvailabilityZones'; an empty "
        "answer would silently turn documents into nothing (supported: getCallerIdentity, getPartition, getRegion)"
    )
    assert isinstance(err.value, ContractError) and isinstance(err.value, SpecError)
    assert refused(read) == (
        "existing (aws:iam/role:Role): the offline plan cannot read an existing resource (id 'SomeRole'); "
        "it only knows what the program creates"
    )


def test_a_program_error_inside_an_apply_propagates_unchanged() -> None:
    def fail(_: str) -> str:
        raise SpecError("teams[0].roleName", "no")

    def program() -> None:
        role = aws.iam.Role("r", name="R", assume_role_policy=NODE_TRUST)
        aws.iam.RolePolicy("p", role=role.name, name="p", policy=role.arn.apply(fail))

    with pytest.raises(SpecError) as err:
        run(program)
    assert type(err.value) is SpecError and str(err.value) == "teams[0].roleName: no"


def test_every_violation_is_counted_and_the_first_one_shown() -> None:
    def program() -> None:
        for name in ("a", "b", "c"):
            aws.iam.Role(name, name="Same", assume_role_policy=NODE_TRUST)

    assert refused(program).endswith("a already creates role 'Same' (CreateRole fails with EntityAlreadyExists) (and 1 more contract violation)")


def project(tmp_path: Path, program: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: team-cluster\nruntime: python\n")
    (tmp_path / "Pulumi.t.yaml").write_text(STACK)
    (tmp_path / "__main__.py").write_text(program)
    return tmp_path


@pytest.mark.parametrize(("program", "message"), [
    ("import pulumi_aws as aws\n"
     "for n in ('a', 'b'):\n"
     "    aws.iam.Role(n, name='Same', assume_role_policy='{}')\n",
     "eks-access: error: Pulumi.t.yaml: b (aws:iam/role:Role): IAM role names are unique in the account regardless of case "
     "and path; a already creates role 'Same' (CreateRole fails with EntityAlreadyExists)"),
    ("import pulumi_aws as aws\n"
     "from eks_access.errors import SpecError\n"
     "def wrong(account):\n"
     "    raise SpecError('team-cluster:accountId', f'credentials of {account}')\n"
     "aws.iam.Role('r', name='R', assume_role_policy=aws.get_caller_identity_output().account_id.apply(wrong))\n",
     "eks-access: error: team-cluster:accountId: credentials of 111122223333"),
    ("import pulumi_aws as aws\naws.get_availability_zones()\n",
     "eks-access: error: Pulumi.t.yaml: the offline plan cannot answer provider function "
     "'aws:index/getAvailabilityZones:getAvailabilityZones'; an empty answer would silently turn documents into nothing "
     "(supported: getCallerIdentity, getPartition, getRegion)"),
])
def test_refusals_are_one_line_exit_2_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], program: str, message: str
) -> None:
    monkeypatch.chdir(project(tmp_path, program))
    assert main(["plan", "--stack", "t", "--out", "out"]) == 2
    captured = capsys.readouterr()
    assert captured.err == message + "\n" and captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Pulumi.t.yaml", "Pulumi.yaml", "__main__.py"]


def test_a_plan_is_byte_identical_for_the_same_config(dev_config: dict[str, Any]) -> None:
    first = plan_config(dev_config, stack="dev")
    second = plan_config(dev_config, stack="dev")
    assert json.dumps(first.resources, sort_keys=True) == json.dumps(second.resources, sort_keys=True)
    assert json.dumps(first.exports, sort_keys=True) == json.dumps(second.exports, sort_keys=True)


def many(count: int) -> Any:
    def program() -> None:
        for i in range(count):
            role = aws.iam.Role(f"r{i}", name=f"R{i}", assume_role_policy=NODE_TRUST)
            aws.iam.RolePolicy(f"p{i}", role=role.name, name="p", policy=role.arn.apply(
                lambda arn: json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                                                                                "Resource": arn}]})))
        pulumi.export("count", count)

    return program


def test_pumping_the_loop_changes_nothing_the_program_computes(monkeypatch: pytest.MonkeyPatch) -> None:
    pumped = run_program(many(200), config={}, cloud=cloud())
    monkeypatch.setattr(runtime, "PUMP_EVERY", 10**9)
    unpumped = run_program(many(200), config={}, cloud=cloud())
    assert pumped.resources == unpumped.resources and pumped.exports == unpumped.exports == {"count": 200}
    assert json.loads(by_name(pumped.resources, "p199")["inputs"]["policy"])["Statement"][0]["Resource"] == (
        f"arn:aws:iam::{ACCOUNT}:role/R199")


def test_the_fake_engine_runs_on_the_programs_thread() -> None:
    threads: set[str] = set()

    class Watching(FakeCloud):
        def register(self, *args: Any, **kwargs: Any) -> Any:
            threads.add(threading.current_thread().name)
            return super().register(*args, **kwargs)

    run_program(many(5), config={}, cloud=Watching(account_id=ACCOUNT, region="ap-northeast-2"))
    assert threads == {threading.current_thread().name}


def test_awsx_vpc_and_eks_addon_outputs() -> None:
    def program() -> None:
        default = awsx.ec2.Vpc("default-vpc")
        custom = awsx.ec2.Vpc("custom", number_of_availability_zones=2, subnet_specs=[
            awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE), awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.ISOLATED)])
        aws.eks.Addon("agent", cluster_name="c", addon_name="eks-pod-identity-agent")
        pulumi.export("default", {"vpc": default.vpc_id, "private": default.private_subnet_ids, "public": default.public_subnet_ids})
        pulumi.export("custom", {"private": custom.private_subnet_ids, "public": custom.public_subnet_ids,
                                 "isolated": custom.isolated_subnet_ids})

    result = run_program(program, config={}, cloud=cloud())
    default, custom = result.exports["default"], result.exports["custom"]
    assert default["vpc"].startswith("vpc-") and len(default["private"]) == len(default["public"]) == 3
    assert len(set(default["private"]) | set(default["public"])) == 6
    assert (len(custom["private"]), len(custom["public"]), len(custom["isolated"])) == (2, 0, 2)
    assert by_name(result.resources, "agent")["outputs"]["arn"].startswith(
        f"arn:aws:eks:ap-northeast-2:{ACCOUNT}:addon/c/eks-pod-identity-agent/")


@pytest.mark.parametrize("preview", [False, True])
def test_the_sdk_fast_paths_change_nothing_in_a_plan(dev_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                      preview: bool) -> None:
    fast = plan_config(dev_config, stack="dev", preview=preview)
    monkeypatch.setattr(runtime, "FAST_PATHS", False)
    monkeypatch.setattr(runtime, "PUMP_EVERY", 10**9)
    slow = plan_config(dev_config, stack="dev", preview=preview)
    assert json.dumps(fast.resources, sort_keys=True) == json.dumps(slow.resources, sort_keys=True)
    assert json.dumps(fast.exports, sort_keys=True) == json.dumps(slow.exports, sort_keys=True)


def test_synchronous_invokes_answer_at_top_level_and_inside_an_apply() -> None:
    def program() -> None:
        account = aws.get_caller_identity().account_id  # the loop is not running: run_until_complete
        role = aws.iam.Role("r", name=f"R{account}", assume_role_policy=NODE_TRUST)
        aws.iam.RolePolicy("p", role=role.name, name="p", policy=role.name.apply(
            lambda name: json.dumps({"partition": aws.get_partition().partition, "role": name})))

    records = run(program)
    assert by_name(records, "r")["inputs"]["name"] == f"R{ACCOUNT}"
    assert json.loads(by_name(records, "p")["inputs"]["policy"]) == {"partition": "aws", "role": f"R{ACCOUNT}"}

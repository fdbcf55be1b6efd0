"""Allow-list validation and the text/JSON output of ``eks-access check``."""

from __future__ import annotations

import json

import pytest

from eks_access.errors import SpecError, UsageError
from eks_access.guardrails import RULES, Enforcement, Finding, Severity, load_guardrail_config
from eks_access.guardrails.report import render


def test_config_none_and_empty() -> None:
    assert load_guardrail_config(None).allow == {}
    assert load_guardrail_config({}).allow == {}
    cfg = load_guardrail_config({"allow": {"EKS-MASTERS": ["arn:aws:iam::111122223333:role/BreakGlass"]}})
    assert cfg.allow == {"EKS-MASTERS": frozenset({"arn:aws:iam::111122223333:role/BreakGlass"})}


def test_unknown_rule_id_names_the_key_path() -> None:
    with pytest.raises(SpecError) as err:
        load_guardrail_config({"allow": {"EKS-MASTRS": ["x"]}})
    assert err.value.path == "guardrails.allow.EKS-MASTRS"
    assert "did you mean EKS-MASTERS?" in str(err.value)
    with pytest.raises(SpecError) as err:
        load_guardrail_config({"allow": {"EKS-MASTRS": ["x"]}}, path="team-cluster:guardrails")
    assert err.value.path == "team-cluster:guardrails.allow.EKS-MASTRS"


@pytest.mark.parametrize(("raw", "path"), [
    ("x", "guardrails"),
    ({"disable": ["EKS-MASTERS"]}, "guardrails.disable"),
    ({"allow": ["EKS-MASTERS"]}, "guardrails.allow"),
    ({"allow": {"EKS-MASTERS": "arn"}}, "guardrails.allow.EKS-MASTERS"),
    ({"allow": {"EKS-MASTERS": ["ok", 3]}}, "guardrails.allow.EKS-MASTERS[1]"),
])
def test_invalid_config(raw: object, path: str) -> None:
    with pytest.raises(SpecError) as err:
        load_guardrail_config(raw)
    assert err.value.path == path


MANDATORY = Finding("EKS-MASTERS", Severity.HIGH, Enforcement.MANDATORY, "myeks", "mapped to system:masters")
ADVISORY = Finding("SA-AUTOMOUNT", Severity.LOW, Enforcement.ADVISORY, "default-my-sa-sa", "set automount false")


def test_render_json() -> None:
    code, text = render([MANDATORY, ADVISORY], "json")
    assert code == 1
    assert json.loads(text) == [
        {"rule": "EKS-MASTERS", "severity": "high", "enforcement": "mandatory", "resource": "myeks",
         "message": "mapped to system:masters"},
        {"rule": "SA-AUTOMOUNT", "severity": "low", "enforcement": "advisory", "resource": "default-my-sa-sa",
         "message": "set automount false"},
    ]


def test_render_text() -> None:
    code, text = render([MANDATORY, ADVISORY], "text")
    lines = text.splitlines()
    assert code == 1
    assert lines[0].split() [:4] == ["mandatory", "high", "EKS-MASTERS", "myeks"]
    assert lines[0].endswith("mapped to system:masters")
    assert lines[-1] == "2 findings: 1 mandatory, 1 advisory"


def test_render_advisory_only_exits_zero() -> None:
    code, text = render([ADVISORY], "text")
    assert code == 0
    assert text.splitlines()[-1] == "1 finding: 0 mandatory, 1 advisory"


def test_render_no_findings() -> None:
    assert render([], "text", resources=42) == (0, f"no findings: {len(RULES)} rules checked over 42 resources\n")
    assert render([], "json") == (0, "[]\n")
    with pytest.raises(UsageError):
        render([], "yaml")

"""Hostile names through ``eks-access check``: markdown, text and SARIF print them as text.

Issue 16: a backtick in a name broke out of its code span in ``--format markdown`` (raw HTML,
links and @mentions in the pull-request comment), one 100,000-character name hid all findings
but one, and SARIF artifact locations were raw paths instead of URI references.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import cmarkgfm
import jsonschema
import pytest
from cmarkgfm.cmark import Options

from eks_access.cli import main
from eks_access.guardrails import run_checks
from tests.guardrails.cases_issue11 import ISSUE_11_CASES

SCHEMA = json.loads((Path(__file__).parents[1] / "guardrails" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EDIT = next(c for c in ISSUE_11_CASES if c.id == "pod-create-builtin-edit-cluster-wide").records[0]
DEFAULT_SA = next(c for c in ISSUE_11_CASES if c.id == "default-sa-unprivileged").records
HOSTILE = "x`<img src=x onerror=alert(1)>` @octocat [here](https://evil.example) www.evil.example #1 |\n| a | b"


def _binding(name: str, group: str = "developers") -> dict[str, Any]:
    record = copy.deepcopy(EDIT)
    record["name"] = name
    record["inputs"]["metadata"]["name"] = name
    record["inputs"]["subjects"][0]["name"] = group
    return record


def _check(capsys: pytest.CaptureFixture[str], plan: Path, records: list[dict[str, Any]], *args: str) -> str:
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(json.dumps(records), encoding="utf-8")
    code = main(["check", "--plan", str(plan), *args])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    return out


def _html(markdown: str) -> str:
    """What GitHub's renderer (cmark-gfm) makes of it; UNSAFE so raw HTML would come through."""
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return html


def test_markdown_keeps_hostile_names_as_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = _check(capsys, tmp_path / "plan.json", [_binding(HOSTILE, "@octocat")], "--format", "markdown")
    html = _html(out)
    n = len(run_checks([_binding(HOSTILE, "@octocat")]))
    assert n == 7  # 1.34's edit also creates serviceaccounts/token (RBAC-TAKEOVER)
    # one table, a header row and one row of five cells per finding: nothing broke out of a cell
    assert html.count("<table>") == 1 and html.count("<tr>") == n + 1 and html.count("<td>") == 5 * n
    assert "<img" not in html and "<a " not in html.split("<details>")[0]
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert "@octocat" not in outside_code and "#1" not in outside_code  # no mention, no issue link
    first = out.splitlines()[6]
    assert first.startswith(
        "| mandatory | high | `RBAC-SECRETS` | "
        "``x`<img src=x onerror=alert(1)>` @octocat [here](https://evil.example) www.evil.example #1 \\|\\x0a\\| a \\| b`` | "
        "ClusterRoleBinding 'x\\`\\<img src=x onerror=alert(1)\\>\\` @&#8203;octocat \\[here\\](https\\://evil.example) "
        "www\\.evil.example #&#8203;1 \\|\\\\x0a\\| a \\| b' (built-in ClusterRole edit, cluster-wide) grants get secrets"
    )
    assert "<td><code>x`&lt;img src=x onerror=alert(1)&gt;` @octocat [here](https://evil.example) www.evil.example #1 |\\x0a| a | b</code></td>" in html


def test_markdown_shortens_a_long_name_and_keeps_every_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    long = "n" * 100_000
    records = [_binding(long), *[_binding(f"b{i}") for i in range(2)], *DEFAULT_SA]
    found = run_checks(records)
    mandatory = [f for f in found if f.enforcement.value == "mandatory"]
    assert (len(found), len(mandatory)) == (22, 21)
    out = _check(capsys, tmp_path / "plan.json", records, "--format", "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| mandatory |") or line.startswith("| advisory |")]
    assert len(out) <= 65536
    assert [r.split(" | ")[2] for r in rows] == [f"`{f.rule}`" for f in (*mandatory, *(f for f in found if f not in mandatory))]
    assert rows[-1].startswith("| advisory |")
    assert "more findings not shown" not in out
    shortened = "n" * 256 + "…(99744 more characters)"
    assert rows[0].startswith(f"| mandatory | high | `RBAC-SECRETS` | `{shortened}` | ClusterRoleBinding '{shortened}' ")


def test_text_shows_control_characters(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = "ok\x1b[2J\rgone\u2028\u202edlrow\nfake-line"
    out = _check(capsys, tmp_path / "plan.json", [_binding(name)])
    shown = "ok\\x1b[2J\\x0dgone\\u2028\\u202edlrow\\x0afake-line"
    lines = [line for line in out.splitlines() if line]
    assert len(lines) == 8  # seven findings and the total: the name started no line of its own
    assert lines[0] == (f"mandatory  high  RBAC-SECRETS         {shown}  ClusterRoleBinding '{shown}' (built-in "
                        "ClusterRole edit, cluster-wide) grants get secrets, list secrets, watch secrets: every "
                        "Secret in scope (ServiceAccount tokens, credentials) becomes readable; name the few Secrets "
                        "needed with resourceNames, or use IRSA / Pod Identity instead of stored secrets")  # fmt: skip
    assert not re.search("[\x00-\x1f\x7f\u2028\u202e]", out.replace("\n", ""))


@pytest.mark.parametrize(("where", "uri"), [
    ("build #1/plan.json", "build%20%231/plan.json"),
    ("a:b/100%/plan é.json", "a%3Ab/100%25/plan%20%C3%A9.json"),
])  # fmt: skip
def test_sarif_location_is_a_uri_relative_to_the_repository(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str, uri: str
) -> None:
    repo = tmp_path / "my repo"
    (repo / ".git").mkdir(parents=True)
    log = json.loads(_check(capsys, repo / where, [_binding("b")], "--format", "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    locations = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"]) for r in log["runs"][0]["results"]}
    assert locations == {json.dumps({"uri": uri, "uriBaseId": "%SRCROOT%"})}

"""``eks-access check --format sarif``: findings as a SARIF 2.1.0 log for code-scanning UIs.

Format: OASIS "Static Analysis Results Interchange Format (SARIF) Version 2.1.0" (Errata 01,
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html):
one run, the tool's rules as ``reportingDescriptor`` objects (help text, helpUri, tags), one
``result`` per finding. GitHub code scanning reads ``properties.security-severity`` (a number
as a string: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low) and needs a physical location on every
result (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
findings are about plan resources, so each result points at the file the plan came from (the
stack config or plan.json), as a URI relative to the repository root
(:mod:`eks_access.escape.sarif`), and names the resource as a logical location.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eks_access import __version__
from eks_access.escape.sarif import artifact_location, repository_root
from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.model import Enforcement, Finding, Rule, Severity

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.0", Severity.LOW: "2.0"}
LEVEL = {Enforcement.MANDATORY: "error", Enforcement.ADVISORY: "warning"}


def _help_text(rule: Rule) -> str:
    refs = "; ".join(rule.references) or "none"
    return (
        f"{rule.title}. {rule.description} Enforcement: {rule.enforcement.value}. "
        f"References: {refs}. Exception: name the resource or principal under "
        f"guardrails.allow.{rule.id} in the stack config."
    )


def _help_markdown(rule: Rule) -> str:
    refs = "\n".join(f"- {r}" for r in rule.references) or "- none"
    return (
        f"**{rule.title}** ({rule.severity.value}, {rule.enforcement.value})\n\n{rule.description}\n\n"
        f"References:\n{refs}\n\nException: add the resource name or principal ARN under "
        f"`team-cluster:guardrails: {{allow: {{{rule.id}: [...]}}}}` in the stack config."
    )


def reporting_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVEL[rule.enforcement]},
        "properties": {
            "tags": ["security", "eks-access", *rule.references],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "enforcement": rule.enforcement.value,
            "scope": rule.scope.value,
        },
    }


def _result(finding: Finding, index: dict[str, int], artifact: dict[str, Any]) -> dict[str, Any]:
    digest = hashlib.sha256(f"{finding.rule}\0{finding.resource}\0{finding.message}".encode()).hexdigest()
    properties: dict[str, Any] = {
        "enforcement": finding.enforcement.value,
        "severity": finding.severity.value,
        "security-severity": SECURITY_SEVERITY[finding.severity],
    }
    if finding.subjects:
        properties["subjects"] = list(finding.subjects)
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVEL[finding.enforcement],
        "message": {"text": f"{finding.resource}: {finding.message}"},
        "locations": [{
            "physicalLocation": {"artifactLocation": artifact, "region": {"startLine": 1}},
            "logicalLocations": [{"name": finding.resource, "kind": "resource"}],
        }],
        "partialFingerprints": {"eksAccessFinding/v1": digest},
        "properties": properties,
    }


def render_sarif(findings: Sequence[Finding], artifact: str = "plan.json", rules: Sequence[Rule] = RULES,
                 root: Path | None = None) -> str:  # fmt: skip
    """The SARIF log as JSON text; ``artifact`` is the path of the file the plan was made from,
    which every result points at, relative to ``root`` (default: the git repository holding it,
    else the working directory)."""
    if root is None:
        root = repository_root(Path(artifact).parent, Path.cwd())
    location = artifact_location(artifact, root)
    index = {rule.id: i for i, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "eks-access", "version": __version__,
                "rules": [reporting_descriptor(rule) for rule in rules],
            }},
            "results": [_result(f, index, location) for f in findings],
        }],
    }  # fmt: skip
    return json.dumps(log, indent=2) + "\n"

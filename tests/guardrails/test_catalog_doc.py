"""docs/guardrails.md is the rule catalogue, generated from the rule objects."""

from __future__ import annotations

from pathlib import Path

from eks_access.guardrails import RULES
from eks_access.guardrails.catalog_doc import render_catalogue

DOC = Path(__file__).resolve().parents[2] / "docs" / "guardrails.md"


def test_document_matches_the_rules() -> None:
    assert DOC.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/guardrails.md is stale: run .venv/bin/python -m eks_access.guardrails.catalog_doc > docs/guardrails.md")


def test_every_rule_is_documented_with_references_and_an_exception() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES:
        assert rule.references, rule.id
        section = text.split(f"\n## {rule.id}\n", 1)[1].split("\n## ", 1)[0]
        assert f"**{rule.title}**" in section
        assert f"- Severity: {rule.severity.value}" in section
        assert f"allow: {{{rule.id}: [<resource or principal>]}}" in section
        for ref in rule.references:
            assert f"  - {ref}" in section


def test_readmes_link_the_catalogue() -> None:
    root = DOC.parents[1]
    assert "docs/guardrails.md" in (root / "README.md").read_text(encoding="utf-8")
    assert "../docs/guardrails.md" in (root / "policies" / "README.md").read_text(encoding="utf-8")

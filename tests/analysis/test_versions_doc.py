"""docs/kubernetes-versions.md is generated from kubedata and must match it."""

from __future__ import annotations

from pathlib import Path

from eks_access.analysis.versions_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "kubernetes-versions.md"


def test_the_document_matches_the_data() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/kubernetes-versions.md is stale: run .venv/bin/python -m eks_access.analysis.versions_doc > docs/kubernetes-versions.md")


def test_it_names_the_changes_users_meet_on_upgrade() -> None:
    text = render()
    step_1_29 = text[text.index("## 1.20 -> 1.29"):text.index("## 1.29 -> 1.30")]
    assert "### `edit`" in step_1_29 and "- loses `endpoints`: create, delete, deletecollection, patch, update" in step_1_29
    assert "- gains `selfsubjectreviews.authentication.k8s.io`: create" in step_1_29
    assert "## 1.31 -> 1.32\n\nNo change.\n" in text
    assert ("## 1.29 -> 1.30\n\n### served resources\n\n"
            "- gains `validatingadmissionpolicies.admissionregistration.k8s.io`\n") in text  # GA in 1.30
    assert "## 1.30 -> 1.31\n\nNo change.\n" in text
    step_1_34 = text[text.index("## 1.33 -> 1.34"):]
    assert "### `view`\n\n- gains `resourceclaims.resource.k8s.io`: get, list, watch\n" in step_1_34
    assert "### `system:monitoring`\n\n- gains `nodes/metrics`: get\n" in step_1_34
    assert "`cluster-admin`" not in text  # '*' on '*' in every release: nothing to report

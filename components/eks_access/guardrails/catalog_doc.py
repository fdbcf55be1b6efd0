"""docs/guardrails.md, generated from the rule objects: ``python -m eks_access.guardrails.catalog_doc``.

tests/guardrails/test_catalog_doc.py fails when the document and the rules disagree, so the
catalogue cannot drift from the code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.model import Enforcement, Rule

HEADER = """# Guardrail catalogue

Generated from the rule objects by `python -m eks_access.guardrails.catalog_doc > docs/guardrails.md`
(a test checks this file matches them). The same rule objects run in `eks-access check` (formats
`text`, `json`, `sarif`, `markdown`) and in the Pulumi policy pack (`policies/`, see its README).

- **Mandatory** findings fail `eks-access check` (exit 1) and block `pulumi up`; **advisory**
  findings are reported only. A rule marked "also advisory" reports its weaker cases through the
  companion policy `<RULE-ID>-ADVISORY`.
- **Severity** (high, medium, low) is how much the finding allows; SARIF carries it as
  `security-severity` (8.0, 5.0, 2.0).
- **Exceptions**: name the resource (Pulumi logical name, `type::name`, Kubernetes `name` or
  `namespace/name`, IAM name or ARN, or the subject as `Kind:name`) under
  `team-cluster:guardrails: {allow: {<RULE-ID>: [...]}}` in the stack config, and under the
  policy's `allow` in a `--policy-pack-config` file. There is no switch to turn a rule off.
- **References**: CIS Amazon EKS Benchmark ids as v1.5.0 numbers them (section 4.1 "RBAC and
  Service Accounts", as aquasecurity/kube-bench `cfg/eks-1.5.0/policies.yaml` lists them); OWASP
  Kubernetes Top Ten 2022 K03 (overly permissive RBAC configurations) and K06 (broken authentication
  mechanisms); sections of the
  Kubernetes "Role Based Access Control Good Practices" page
  (https://kubernetes.io/docs/concepts/security/rbac-good-practices/); AWS documentation; and the ids
  of peer scanners that catch the same pattern (kubescape `C-`, checkov `CKV_`).
- Roles are judged by their **effective** rules for the cluster's Kubernetes version (built-in
  roles and aggregation included), IAM roles by their effective permissions (inline, customer and
  AWS-managed policies within the permissions boundary), never by name.
"""


def _rule_section(rule: Rule) -> list[str]:
    levels = rule.enforcement.value
    if rule.also_advisory and rule.enforcement is Enforcement.MANDATORY:
        levels += f" (also advisory, severity {rule.advisory_severity.value})"
    refs = [f"  - {ref}" for ref in rule.references] or ["  - (none)"]
    return [
        f"## {rule.id}",
        "",
        f"**{rule.title}**",
        "",
        rule.description,
        "",
        f"- Severity: {rule.severity.value}",
        f"- Enforcement: {levels}",
        f"- Runs on: {'each resource' if rule.scope.value == 'resource' else 'the whole stack'}",
        f"- More: {rule.help_uri}",
        "- References:",
        *refs,
        f"- Exception: `team-cluster:guardrails: {{allow: {{{rule.id}: [<resource or principal>]}}}}`",
        "",
    ]


def render_catalogue(rules: Sequence[Rule] = RULES) -> str:
    lines = [HEADER, "| Rule | Title | Severity | Enforcement |", "|---|---|---|---|"]
    lines += [f"| [{r.id}](#{r.id.lower()}) | {r.title} | {r.severity.value} | {r.enforcement.value} |" for r in rules]
    lines.append("")
    for rule in rules:
        lines += _rule_section(rule)
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - the test renders the same text
    sys.stdout.write(render_catalogue())

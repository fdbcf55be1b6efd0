"""Adapter: the guardrail rules as Pulumi policies (the only module that imports pulumi_policy).

Each rule becomes one policy named by its id with the rule's enforcement; rules that also emit
advisory findings get a companion ``<id>-ADVISORY`` policy, because a Pulumi policy has a
single enforcement level and an advisory finding must never block ``pulumi up``. Allow-lists
come from ``--policy-pack-config`` (``{"<policy name>": {"allow": [...]}}``), checked against
``config_schema`` by the Pulumi engine.

What the engine hands a policy becomes plan records (docs/plan-format.md) and goes through the
same reader as a plan (:func:`eks_access.model.read_model`). Values unknown during preview (an
ARN not yet allocated) become Pulumi's unknown sentinel, which the model keeps as unknown and
the rules skip, so a preview never fails on what it cannot know; the rules see them at ``up``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import Severity as PolicySeverity
from pulumi_policy.proxy import UnknownValueError

from eks_access.errors import PlanError
from eks_access.guardrails.catalog import RULES
from eks_access.guardrails.model import (
    CheckContext,
    Enforcement,
    Finding,
    Rule,
    Scope,
    Severity,
)
from eks_access.model import UNKNOWN_SENTINEL, read_model

_UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        UNKNOWN_SENTINEL,
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)

_LEVELS = {Enforcement.MANDATORY: EnforcementLevel.MANDATORY, Enforcement.ADVISORY: EnforcementLevel.ADVISORY}
_SEVERITIES = {Severity.HIGH: PolicySeverity.HIGH, Severity.MEDIUM: PolicySeverity.MEDIUM, Severity.LOW: PolicySeverity.LOW}

CONFIG_SCHEMA_PROPERTIES: dict[str, dict[str, Any]] = {
    "allow": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Deliberate exceptions: resource names or principal ARNs this policy ignores.",
    }
}


def plain(value: Any) -> Any:
    """A plain copy of policy props: proxies unwrapped, every unknown value as the plan's
    unknown sentinel (interfaces.md item 2), whichever of Pulumi's sentinels it was."""
    if isinstance(value, str):
        return UNKNOWN_SENTINEL if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                item = value[key]
            except UnknownValueError:
                item = UNKNOWN_SENTINEL
            out[str(key)] = plain(item)
        return out
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        items: list[Any] = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i]))
            except UnknownValueError:
                items.append(UNKNOWN_SENTINEL)
        return items
    return value


def name_from_urn(urn: str | None) -> str | None:
    """The logical name at the end of ``urn:pulumi:stack::project::type::name``."""
    if not urn:
        return None
    return urn.rsplit("::", 1)[-1]


def record_from_resource(
    resource_type: str, name: str, props: Mapping[str, Any], parent_urn: str | None = None
) -> dict[str, Any]:
    """A plan record (docs/plan-format.md) from what the policy engine hands a policy.

    Props are inputs for resource policies and state for stack policies; both are offered
    as inputs and outputs, so rules reading ``outputs.arn`` work too.
    """
    data = plain(props)
    return {
        "type": resource_type,
        "name": name,
        "parent": name_from_urn(parent_urn),
        "custom": None,
        "inputs": data,
        "outputs": data,
    }


def record_from_args(args: ResourceValidationArgs) -> dict[str, Any]:
    """One resource policy's resource as a plan record."""
    parent = getattr(getattr(args, "opts", None), "parent", None)
    return record_from_resource(args.resource_type, args.name, args.props, parent)


def records_from_stack(resources: Iterable[PolicyResource]) -> tuple[list[dict[str, Any]], list[str]]:
    """Plan records and the URN of each, in the engine's order."""
    records: list[dict[str, Any]] = []
    urns: list[str] = []
    for resource in resources:
        parent = resource.parent.urn if resource.parent is not None else getattr(resource.opts, "parent", None)
        records.append(record_from_resource(resource.resource_type, resource.name, resource.props, parent))
        urns.append(resource.urn)
    return records, urns


def allow_from_config(rule_id: str, config: Mapping[str, Any] | None) -> dict[str, frozenset[str]]:
    raw = (config or {}).get("allow")
    names = [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else []
    return {rule_id: frozenset(names)} if names else {}


def violation_text(finding: Finding) -> str:
    return f"[{finding.rule}] {finding.resource}: {finding.message}"


def policy_name(rule: Rule, level: Enforcement) -> str:
    return rule.id if level is rule.enforcement else f"{rule.id}-ADVISORY"


def _levels(rule: Rule) -> list[Enforcement]:
    if rule.also_advisory and rule.enforcement is Enforcement.MANDATORY:
        return [Enforcement.MANDATORY, Enforcement.ADVISORY]
    return [rule.enforcement]


def _unreadable(rule: Rule, level: Enforcement, name: str, err: PlanError) -> str | None:
    """A resource the model cannot read is reported once per rule, by its primary policy."""
    if level is not rule.enforcement:
        return None
    return f"[{rule.id}] {name}: cannot judge this resource: {err}"


def _resource_validator(rule: Rule, level: Enforcement) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        record = record_from_args(args)
        try:
            model = read_model([record], whole_plan=False)
        except PlanError as err:
            message = _unreadable(rule, level, args.name, err)
            if message:
                report_violation(message, None)
            return
        ctx = CheckContext(model=model, allow=allow_from_config(rule.id, args.get_config()))
        for finding in rule.run(ctx):
            if finding.enforcement is level:
                report_violation(violation_text(finding), None)

    return validate


def _stack_validator(rule: Rule, level: Enforcement) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        records, urns = records_from_stack(args.resources)
        try:
            model = read_model(records)
        except PlanError as err:
            message = _unreadable(rule, level, "stack", err)
            if message:
                report_violation(message, None)
            return
        urn_of = {ref.label: urn for ref, urn in zip(model.records, urns, strict=True)}
        ctx = CheckContext(model=model, allow=allow_from_config(rule.id, args.get_config()))
        for finding in rule.run(ctx):
            if finding.enforcement is level:
                report_violation(violation_text(finding), urn_of.get(finding.resource))

    return validate


def build_policies(rules: Sequence[Rule] = RULES) -> list[Policy]:
    """One policy per rule and level; pass the result to ``PolicyPack(policies=...)``."""
    policies: list[Policy] = []
    for rule in rules:
        for level in _levels(rule):
            severity = rule.severity if level is rule.enforcement else rule.advisory_severity
            common: dict[str, Any] = {
                "name": policy_name(rule, level),
                "description": f"{rule.title}. {rule.description}",
                "enforcement_level": _LEVELS[level],
                "config_schema": PolicyConfigSchema(properties=dict(CONFIG_SCHEMA_PROPERTIES)),
                "severity": _SEVERITIES[severity],
                "tags": ["eks-access", *rule.references],
            }
            if rule.scope is Scope.RESOURCE:
                policies.append(ResourceValidationPolicy(validate=_resource_validator(rule, level), **common))
            else:
                policies.append(StackValidationPolicy(validate=_stack_validator(rule, level), **common))
    return policies

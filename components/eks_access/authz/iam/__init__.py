"""IAM policy evaluation as AWS documents it (pure; see each module for its source)."""

from __future__ import annotations

from eks_access.authz.iam.assume import ASSUME_ROLE, AssumeDecision, assume_role
from eks_access.authz.iam.context import RequestContext
from eks_access.authz.iam.evaluate import (
    PolicyDecision,
    PolicySource,
    Requirement,
    StatementRef,
    evaluate_policies,
    requirement_for,
)
from eks_access.authz.iam.identity import IdentityDecision, evaluate_identity
from eks_access.authz.iam.principals import Caller, boundary_source, identity_sources
from eks_access.authz.iam.render import describe_condition, describe_requirement, requirement_json

__all__ = [
    "ASSUME_ROLE",
    "AssumeDecision",
    "Caller",
    "IdentityDecision",
    "PolicyDecision",
    "PolicySource",
    "RequestContext",
    "Requirement",
    "StatementRef",
    "assume_role",
    "boundary_source",
    "describe_condition",
    "describe_requirement",
    "evaluate_identity",
    "evaluate_policies",
    "identity_sources",
    "requirement_for",
    "requirement_json",
]

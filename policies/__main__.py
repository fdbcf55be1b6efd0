"""The eks-access policy pack: `pulumi preview --policy-pack policies`.

Every policy is built from the rule objects of ``eks_access.guardrails`` by
``eks_access.guardrails.pack.build_policies``; this file only starts the pack.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from eks_access.guardrails.pack import build_policies

PolicyPack(
    name="eks-access",
    # Each policy sets its own level (mandatory or advisory); this is only the fallback.
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=build_policies(),
    description="Guardrails for Amazon EKS access: IAM -> mapping -> RBAC.",
)

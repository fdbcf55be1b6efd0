"""Authorization semantics shared by the analyzer and the guardrails (pure, no Pulumi).

- ``authz.iam``: IAM policy evaluation (Deny over Allow, conditions in three values, policy
  variables, NotAction/NotResource/NotPrincipal, permissions boundaries, ``sts:AssumeRole``);
- ``authz.identity``: EKS authentication (access entries, aws-auth) -> Kubernetes identity;
- ``authz.rbac``: Kubernetes RBAC as the API server's authorizer decides, with the built-in
  roles of the chosen Kubernetes version and the EKS access policies.
"""

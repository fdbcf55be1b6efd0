"""Plan files: what ``eks-access plan`` writes (plan.json, manifests, IAM documents) and shows."""

"""``eks-access snapshot``: a read-only copy of a live account and cluster (docs/snapshot-format.md).

``files`` reads and writes the document; ``collect`` fills it from AWS (boto3) and the
Kubernetes API (the official client). The model reader is ``eks_access.model.from_snapshot``.
"""

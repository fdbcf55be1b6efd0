"""The team-cluster stack program. `pulumi up` runs it; `eks-access plan` runs it on mocks."""

from eks_access.stack import main

main()

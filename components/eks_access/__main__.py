"""``python -m eks_access`` is the ``eks-access`` command."""

from eks_access.cli import main

raise SystemExit(main())

"""``eks-access``, the command line (also ``python -m eks_access``)."""

from eks_access.cli.main import build_parser, main

__all__ = ["build_parser", "main"]

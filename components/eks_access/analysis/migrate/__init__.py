"""aws-auth to access entries: the stages (stack configs), the proof of each, the lockout guard.

Pure (no Pulumi): ``stages`` rewrites a stack config; ``proof`` and ``guard`` compare the
analyzer's answers on the plans before and after a stage. ``cli/migrate.py`` plans the stages.
"""

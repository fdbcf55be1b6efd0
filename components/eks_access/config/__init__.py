"""Stack config files: ``Pulumi.<stack>.yaml`` (and the project's ``Pulumi.yaml``) to raw config."""

"""The Pulumi components: ``TeamAccess``, ``WorkloadIdentity``, ``ClusterOidcProvider``.

The thin shell over :mod:`eks_access.documents`: each component validates its Args, then
registers the resources whose inputs the pure layers computed.
"""

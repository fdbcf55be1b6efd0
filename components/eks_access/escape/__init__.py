"""Names from a plan, escaped for the format they are printed in.

Every name eks-access prints (resources, principals, roles, namespaces, paths) comes from a plan
or config the user, or anyone who can open a pull request, wrote. Each output format gets one
module here, and every renderer routes names through it:

- :mod:`.text`: terminals and logs; control and invisible characters shown as escapes.
- :mod:`.markdown`: GitHub-flavoured markdown (pull-request comments); names stay text.
- :mod:`.json`: JSON documents; invisible characters as ``\\u`` escapes.
- :mod:`.sarif`: artifact locations as RFC 3986 relative references under ``%SRCROOT%``.
- :mod:`.diagram`: Mermaid labels and Graphviz DOT strings.

Pure: no Pulumi, no I/O except :func:`.sarif.repository_root`, which looks for ``.git``.
"""

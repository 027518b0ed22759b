"""The only package that knows MkDocs and mike.

``build``: the engine config and the strict build (its warnings become located issues);
``serve``: the live preview with partial rebuilds; ``versions``: editions with mike and git;
``scan``: the post-build check of what MkDocs' own validation cannot see (raw HTML, CSS).
"""

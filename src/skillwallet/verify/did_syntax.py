"""DID syntax (W3C DID Core §3.1), for the key resolution and the document resolver alike.

Both check a DID before they use it (keys.py before resolving a verification method, resolver.py for a DID given
with ``--document``), and keys.py resolves did:web through the resolver: the rule lives here, below both.
"""

from __future__ import annotations

import re

# W3C DID Core §3.1 "DID Syntax": did = "did:" method-name ":" method-specific-id; method-name = 1*method-char
# (%x61-7A / DIGIT); method-specific-id = *( *idchar ":" ) 1*idchar; idchar = ALPHA / DIGIT / "." / "-" / "_" /
# pct-encoded. A DID URL may add a path, query and fragment (§3.2), which are cut off before the check.
DID_SYNTAX = re.compile(r"^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")


def did_syntax_problem(did_url: str) -> str | None:
    """Why ``did_url`` is not a DID (URL), or None. A doubled ``did:did:`` prefix is syntactically a method named
    "did", which no DID method is: it is a mistake in the credential, reported as such."""
    did = re.split(r"[/?#]", did_url, maxsplit=1)[0]
    if did.startswith("did:did:"):
        return "the 'did:' prefix is repeated"
    if not DID_SYNTAX.match(did):
        return "not DID syntax (W3C DID Core §3.1)"
    return None

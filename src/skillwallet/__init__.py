"""skillwallet: a local-first, encrypted skills passport.

The core (store, formats, verify, stacking, skills, export) is a library that never imports
typer or rich; the command line lives in :mod:`skillwallet.cli`.
"""

__version__ = "0.1.0"

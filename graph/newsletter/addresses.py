"""E-mail addresses as subscribers give them: checked, and stored in one spelling."""

from __future__ import annotations

import re

from graph.editing.checks import Checks, Path
from graph.editing.errors import Code

MAX_ADDRESS = 320
MAX_LOCAL_PART = 64
MAX_DOMAIN = 253

# The dot-atom of RFC 5322: what real mailboxes use. Quoted local parts are legal but so rare
# (and so often abused) that refusing them costs nobody anything.
_LOCAL_PART = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def normalise(checks: Checks, path: Path, value: str) -> str:
    """The address trimmed and lower-cased (domain in IDNA form); a problem recorded if any."""
    address = value.strip().lower()
    if not address:
        checks.fail(path, "must not be empty", Code.REQUIRED)
    elif len(address) > MAX_ADDRESS:
        checks.fail(path, f"must be at most {MAX_ADDRESS} characters", Code.TOO_LONG)
    else:
        ascii_address = _ascii(address)
        if ascii_address is None:
            checks.fail(path, "is not an e-mail address", Code.INVALID)
        else:
            return ascii_address
    return address


def _ascii(address: str) -> str | None:
    # Lower-casing the local part too is a liberty RFC 5321 does not grant, but no mail
    # service we know treats Ane@ and ane@ as two people, and one row per reader matters more.
    local, at, domain = address.rpartition("@")
    if not at or len(local) > MAX_LOCAL_PART or not _LOCAL_PART.fullmatch(local):
        return None
    try:
        # Danish domains may hold æ, ø and å; mail servers want them spelt in ASCII (xn--…).
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = domain.split(".")
    if len(domain) > MAX_DOMAIN or len(labels) < 2 or labels[-1].isdigit():
        return None
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return f"{local}@{domain}"

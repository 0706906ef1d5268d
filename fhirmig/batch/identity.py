"""What a de-identified batch may say about its inputs: numbers, keyed digests, no values.

With ``--deidentify`` the output folder is meant to be handed to someone who must not
learn who the patients are. A file name (``Ana Silva PT-998877.json``) names a patient,
and the plain sha256 of an identified original lets anyone holding a copy of that
original confirm it is in the batch. So a de-identified batch writes, in its ledger,
journal, error file and manifest:

- each input as its number in input order (``input-000001``), never its name; the number
  is the input's position in the sorted input list (:func:`fhirmig.batch.expand_inputs`),
  so the mapping to real names can be recomputed from the inputs, and is never written;
- instead of the sha256, an HMAC-SHA256 under the de-identification key of the input's
  name and content: ``--resume`` still sees a changed or renamed input, while without the
  key the digest confirms nothing;
- instead of a fingerprint of the key (a plain hash lets a weak key be tried offline), a
  value derived from the key by HMAC; the whole chunk identity is an HMAC too;
- error lines with the input's name replaced by its number and every quoted value
  withheld (a bad date in an original is still a date of that patient).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from fhirmig.privacy.keys import derive

__all__ = ["WITHHELD", "input_digest", "input_label", "key_fingerprint", "keyed_id", "redact"]

#: What a quoted value in an error line of a de-identified batch becomes.
WITHHELD = "(value withheld)"
# a quoted value starts where no word goes on ("the patient's" is no quote), or "(got ...)"
_QUOTED = re.compile(
    r"""(?<![A-Za-z0-9])'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\(got [^()]*(?:\([^()]*\)[^()]*)*\)"""
)


def input_label(number: int) -> str:
    """The label of the ``number``-th input (from 1) of a de-identified batch."""
    return f"input-{number:06d}"


def input_digest(key: bytes, name: str, data: bytes) -> str:
    """The keyed digest of an input: HMAC-SHA256 of its name and the sha256 of its bytes.

    The name is part of it because a CSV diary without a patient file takes its patient
    id from its name: a renamed input gives other output and must be converted again.
    """
    content = hashlib.sha256(data).hexdigest()
    return derive(key, "fhirmig/batch/input", name + "\x00" + content).hex()


def key_fingerprint(key: bytes) -> str:
    """Which key a batch used, without a plain hash of it (16 hex digits of an HMAC)."""
    return derive(key, "fhirmig/batch/key", "").hex()[:16]


def keyed_id(key: bytes, identity: bytes) -> str:
    """A chunk identity under the key: equal for equal ``identity`` and key only."""
    return derive(key, "fhirmig/batch/chunk", identity.hex()).hex()


def redact(line: str, names: Iterable[str], label: str) -> str:
    """``line`` with each of ``names`` replaced by ``label`` and quoted values withheld."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        line = line.replace(name, label)
    return _QUOTED.sub(WITHHELD, line)

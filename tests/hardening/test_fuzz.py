"""Every reader meets hostile input: only fhirmig's own errors may come out.

The suite runs each target for a few hundred inputs. The long run (marker ``fuzz``) runs
each for ``FHIRMIG_FUZZ_MINUTES`` (default 10) and is skipped unless ``--run-fuzz`` is
given; ``scripts/fuzz.py`` is the friendlier way to start it.
"""

from __future__ import annotations

import os

import pytest

from .fuzzing import Target, run_target
from .targets import TARGETS


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_reader_raises_only_fhirmig_errors(target: Target) -> None:
    assert run_target(target, examples=300) >= 100


@pytest.mark.fuzz
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_long_fuzz(target: Target) -> None:
    minutes = float(os.environ.get("FHIRMIG_FUZZ_MINUTES", "10"))
    assert run_target(target, seconds=minutes * 60 / len(TARGETS)) > 0

"""Fixtures for the report tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.reports.report_fixtures import build_doc


@pytest.fixture
def doc() -> dict[str, Any]:
    """A fresh copy of the hand-built results document."""
    return build_doc()

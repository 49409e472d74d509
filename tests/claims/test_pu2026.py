"""Every pu2026 claim holds and every negative control is refuted."""

from verifiers.pytest_plugin import claim_tests

test_pu2026 = claim_tests("pu2026")

"""Every cs231n claim holds and every negative control is refuted."""

from verifiers.pytest_plugin import claim_tests

test_cs231n = claim_tests("cs231n")

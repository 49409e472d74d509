"""Every dbv2016 claim holds (or is skipped as declared) and every negative control is refuted."""

from verifiers.pytest_plugin import claim_tests

test_dbv2016 = claim_tests("dbv2016")

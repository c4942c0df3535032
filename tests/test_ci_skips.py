"""With CI=true a test that would skip (a missing model, an absent package) fails instead."""

from __future__ import annotations

import pytest

SKIPPING = """
import pytest

def test_needs_a_model():
    pytest.skip("default language model not installed")

@pytest.mark.skipif(True, reason="voice not installed")
def test_needs_a_voice():
    pass

@pytest.mark.xfail(reason="a known bug, not a missing model")
def test_known_bug():
    assert False

def test_plain():
    pass
"""


def test_skips_fail_in_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_models=SKIPPING)
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest("-p", "support_ci")
    result.assert_outcomes(passed=1, failed=1, errors=1, xfailed=1)  # a skipif fails at set-up
    result.stdout.fnmatch_lines(["*skipped in CI*default language model not installed*"])


def test_skips_stay_skips_on_a_developer_machine(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_models=SKIPPING)
    monkeypatch.delenv("CI", raising=False)
    result = pytester.runpytest("-p", "support_ci")
    result.assert_outcomes(passed=1, skipped=2, xfailed=1)


def test_a_module_skipped_at_import_fails_in_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_engine="import pytest\npytest.importorskip('no_such_engine_package')\n\n"
                                    "def test_x():\n    pass\n")
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest("-p", "support_ci")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*module skipped in CI*no_such_engine_package*"])

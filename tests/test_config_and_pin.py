"""config.toml is checked with messages naming the file, the key and what it accepts; the staff PIN is taken as
text or number, the published default is refused outside a demo, and the lockout survives a restart."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support_requests import REPO

from kiosk.config import DEFAULT_STAFF_PIN, ConfigError, Settings
from kiosk.ui.staff_auth import DEFAULT_REFUSED, PinLock


def write_config(data, text: str):
    path = data / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pin_written_as_a_number_is_the_same_pin(kiosk_env):
    settings = Settings.load(write_config(kiosk_env, "staff_pin = 135790\n"))
    assert settings.staff_pin == "135790"
    assert PinLock(settings.staff_pin).attempt("135790").ok
    assert PinLock(135790).attempt("135790").ok


@pytest.mark.parametrize(("text", "key", "allowed"), [
    ("idle_reset_seconds = \"sixty\"\n", "idle_reset_seconds", "15 到 3600"),
    ("idle_reset_seconds = 2\n", "idle_reset_seconds", "15 到 3600"),
    ("refusal_threshold = 4.5\n", "refusal_threshold", "0 到 1"),
    ("dense_rerank = \"yes\"\n", "dense_rerank", "true 或 false"),
    ("staff_pin = \"12ab\"\n", "staff_pin", "4 到 12 位数字"),
    ("staff_pin = true\n", "staff_pin", "4 到 12 位数字"),
    ("push_endpoint = \"ftp://x\"\n", "push_endpoint", "http://"),
    ("office_url = \"ftp://office\"\n", "office_url", "http://"),
    ("office_token = \"not-a-token\"\n", "office_token", "kiosk office kiosk add"),
    ("llm_intent_budget_s = 0\n", "llm_intent_budget_s", "0.5 到 60"),
    ("llm_intent_budget_s = \"3s\"\n", "llm_intent_budget_s", "0.5 到 60"),
])
def test_a_wrong_value_names_the_file_the_key_and_what_is_allowed(kiosk_env, text, key, allowed):
    with pytest.raises(ConfigError) as caught:
        Settings.load(write_config(kiosk_env, text))
    assert "config.toml" in caught.value.friendly
    assert key in caught.value.friendly and allowed in caught.value.friendly


def test_the_language_model_budgets_are_seconds(kiosk_env):
    settings = Settings.load(write_config(kiosk_env, "llm_intent_budget_s = 2\nllm_first_token_budget_s = 4.5\n"))
    assert (settings.llm_intent_budget_s, settings.llm_first_token_budget_s) == (2.0, 4.5)
    assert Settings().llm_intent_budget_s == 3.0


def test_a_malformed_file_is_named_with_its_line(kiosk_env):
    with pytest.raises(ConfigError) as caught:
        Settings.load(write_config(kiosk_env, "idle_reset_seconds = 60\nstaff_pin = 13579\"\n"))
    assert "config.toml" in caught.value.friendly and "第 2 行" in caught.value.friendly


def test_commands_name_the_broken_config_file(kiosk_env):
    write_config(kiosk_env, "staff_pin = [\n")
    result = subprocess.run([sys.executable, "-m", "kiosk", "request", "status", "XH20261123-0001",
                             "--phone-last4", "5678"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120, check=False)
    assert result.returncode == 1
    assert "config.toml" in result.stderr and "Traceback" not in result.stderr


def test_the_published_default_pin_is_refused_outside_a_demo():
    lock = PinLock(DEFAULT_STAFF_PIN)
    result = lock.attempt(DEFAULT_STAFF_PIN)
    assert not result.ok and result.message == DEFAULT_REFUSED and "staff_pin" in result.message
    assert PinLock(DEFAULT_STAFF_PIN, allow_default=True).attempt(DEFAULT_STAFF_PIN).ok
    assert Settings.load(None).default_pin  # no config.toml: the default, flagged


def test_the_staff_screen_says_the_default_pin_must_be_changed(qtbot):
    from support_ui import make_window

    window = make_window(qtbot, settings=Settings(demo_content=False))
    window.navigate("staff")
    staff = window.current()
    assert "出厂默认值" in staff.pin_message.text()
    for d in DEFAULT_STAFF_PIN:
        staff.pin_key(d)
    staff.pin_key("确定")
    assert not staff.unlocked
    demo = make_window(qtbot, settings=Settings(demo_content=True))
    demo.navigate("staff")
    for d in DEFAULT_STAFF_PIN:
        demo.current().pin_key(d)
    demo.current().pin_key("确定")
    assert demo.current().unlocked


def test_the_lockout_survives_a_restart(kiosk_env):
    now = {"t": 1_000_000.0}
    state = kiosk_env / "staff_lock.json"
    lock = PinLock("2468", now=lambda: now["t"], state=state)
    for pin in ("0000", "1111", "2222"):
        lock.attempt(pin)
    restarted = PinLock("2468", now=lambda: now["t"], state=state)
    result = restarted.attempt("2468")
    assert not result.ok and result.locked_for_s == 60
    now["t"] += 61
    assert PinLock("2468", now=lambda: now["t"], state=state).attempt("2468").ok
    for pin in ("1", "2", "3"):
        result = PinLock("2468", now=lambda: now["t"], state=state).attempt(pin)  # a restart between tries
    assert result.locked_for_s == 120  # the count and the growing lockout carried over


def test_a_clock_set_back_cannot_lock_staff_out_for_longer(kiosk_env):
    now = {"t": 1_000_000.0}
    state = kiosk_env / "staff_lock.json"
    lock = PinLock("2468", now=lambda: now["t"], state=state)
    for pin in ("0000", "1111", "2222"):
        lock.attempt(pin)
    now["t"] -= 86_400
    assert PinLock("2468", now=lambda: now["t"], state=state).locked_for() <= 60


def test_every_setting_is_checked_when_read():
    from dataclasses import fields

    from kiosk.config import RULES

    assert {f.name for f in fields(Settings)} - {"extra"} == set(RULES)

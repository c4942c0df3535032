"""The policy store under a build that is killed or doubled: the store in use is never damaged, a killed build
leaves nothing that stops the next one, and two builds at once (two loaders, or staff and a script) both end
with one good store."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.knowledge.ask import AskService
from kiosk.knowledge.segment import TOKENIZER
from kiosk.store import Store

pytestmark = pytest.mark.slow


def _answers(path: Path) -> bool:
    store = Store(path)
    try:
        answer, _ = AskService(store).ask("开办企业需要什么材料？")
        return bool(answer.citations) and store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


def test_a_build_killed_midway_leaves_the_store_in_use_whole(tmp_path: Path, default_store_path: Path) -> None:
    store = tmp_path / "kiosk.db"
    shutil.copyfile(default_store_path, store)
    before = store.read_bytes()
    env = {**os.environ, "KIOSK_DB": str(store)}
    for delay in (0.5, 1.5, 3.0):  # early in parsing, while writing, near the swap
        build = subprocess.Popen([sys.executable, "-m", "kiosk", "db", "build", "--full"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait()
        assert store.read_bytes() == before or _answers(store)  # the old store, or the finished new one
        assert _answers(store)
    again = subprocess.run([sys.executable, "-m", "kiosk", "db", "build", "--full"], env=env, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert _answers(store)
    assert not store.with_name("kiosk.db.building").exists()


def test_two_builds_at_once_end_with_one_good_store(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.db"
    failures: list[BaseException] = []

    def open_store() -> None:
        try:
            Store.open(path, TOKENIZER).close()  # as the kiosk opens it: building when it must
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert failures == []
    assert _answers(path)

"""`kiosk doctor`: is this machine ready to serve visitors, and if not, what to do about each problem.

Every check yields findings: what it looked at, whether it is fine, and for a problem one plain-Chinese line with
its fix, fit for a deployer or hall staff (no paths to source code, no SQLite text). The checks themselves live
in ``kiosk.doctor_checks``; the machine they look at is a :class:`Machine`, so tests can seed a fault (a tiny
disk, a clock set back, no microphone) without changing the real one.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Finding:
    check: str  # models | devices | font | disk | databases | config | pin | clock | office
    ok: bool
    message: str  # what was found, in plain Chinese
    fix: str = ""  # what to do about it; empty when ok


def _audio_devices() -> list[dict]:
    from kiosk.engines.audio import list_devices

    return [{"name": d.name, "max_input_channels": d.inputs, "max_output_channels": d.outputs}
            for d in list_devices()]


@dataclass
class Machine:
    """What the checks read from the machine; each part can be replaced by a test."""

    statvfs: Callable[[str], os.statvfs_result] = os.statvfs
    now: Callable[[], float] = time.time
    audio_devices: Callable[[], list[dict]] = _audio_devices
    cameras: Callable[[], list[str]] = field(default=lambda: sorted(glob.glob("/dev/video*")))


@dataclass
class Report:
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"ok": self.ok, "problems": [asdict(f) for f in self.problems],
                "checks": [asdict(f) for f in self.findings]}

    def lines(self) -> list[str]:
        """One line per finding: problems first, each with its fix, then what is fine."""
        out = [f"✗ {f.message}。解决办法：{f.fix}" for f in self.problems]
        out += [f"✓ {f.message}" for f in self.findings if f.ok]
        out.append("检查通过，一体机可以正常服务。" if self.ok else f"发现 {len(self.problems)} 个问题，请按上面的办法处理。")
        return out


def run(machine: Machine | None = None, checksums: bool = True, only: Iterable[str] | None = None) -> Report:
    """Run every check (or those named in ``only``). ``checksums=False`` compares model sizes, not sha256."""
    from kiosk import doctor_checks

    machine = machine or Machine()
    wanted = set(only) if only else None
    findings: list[Finding] = []
    for name, check in doctor_checks.CHECKS.items():
        if wanted is not None and name not in wanted:
            continue
        try:
            findings.extend(check(machine, checksums))
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others' findings
            from kiosk.errors import storage_message

            reason = getattr(exc, "friendly", None) or storage_message(exc) or type(exc).__name__
            findings.append(Finding(name, False, f"无法完成“{doctor_checks.TITLES[name]}”检查（{reason}）",
                                    "请联系运维人员，并附上 kiosk doctor --json 的输出"))
    return Report(findings)

"""The render worker's confinement holds on its own, whatever the cleaner lets through.

Each test starts a fresh interpreter that confines itself exactly as the worker does and then
tries what a compromised renderer would: read /etc/passwd or a file beside the test, write a
file, open any socket, spin forever, take all the memory.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gallery.intake.vector import sandbox

VECTOR_DIR = Path(sandbox.__file__).parent
FONTS = [d for d in sandbox.FONT_DIRS if Path(d).is_dir()]


def confined(code: str, *, cpu_seconds: int = 10, memory: int = 1 << 30, timeout: float = 30):
    """Run ``code`` in a new interpreter after it confined itself; return the finished process."""
    script = textwrap.dedent(
        f"""
        import json, os, socket, sys
        sys.path.insert(0, {str(VECTOR_DIR)!r})
        from confine import confine
        applied = confine(read_paths={FONTS!r}, exec_paths=[], cpu_seconds={cpu_seconds},
                          memory_bytes={memory})
        def attempt(action):
            try:
                action()
                return "allowed"
            except OSError as exc:
                return type(exc).__name__
        """
    ) + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-I", "-c", script],
        capture_output=True,
        timeout=timeout,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_no_file_outside_the_fonts_can_be_read_or_written(tmp_path: Path) -> None:
    """/etc/passwd, a file next to the test and a new file are all out of reach."""
    probe = tmp_path / "probe.txt"
    probe.write_text("secret")
    font = next(Path(FONTS[0]).rglob("*.ttf"))
    done = confined(
        f"""
        print(json.dumps({{
            "passwd": attempt(lambda: open("/etc/passwd").read()),
            "hostname": attempt(lambda: open("/etc/hostname").read()),
            "probe": attempt(lambda: open({str(probe)!r}).read()),
            "listing": attempt(lambda: os.listdir({str(tmp_path)!r})),
            "write": attempt(lambda: open({str(tmp_path / "new.txt")!r}, "w").write("x")),
            "font": attempt(lambda: open({str(font)!r}, "rb").read(4)),
        }}))
        """
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {
        "passwd": "PermissionError",
        "hostname": "PermissionError",
        "probe": "PermissionError",
        "listing": "PermissionError",
        "write": "PermissionError",
        "font": "allowed",
    }
    assert not (tmp_path / "new.txt").exists()


def test_no_socket_of_any_kind_can_be_opened() -> None:
    """TCP to a live listener, UDP and Unix sockets are all refused by the kernel."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    port = server.getsockname()[1]
    try:
        done = confined(
            f"""
            print(json.dumps({{
                "tcp": attempt(lambda: socket.create_connection(("127.0.0.1", {port}), 2)),
                "udp": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
                "unix": attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)),
            }}))
            """
        )
        with pytest.raises(TimeoutError):
            server.accept()
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "tcp": "PermissionError",
        "udp": "PermissionError",
        "unix": "PermissionError",
    }


def test_a_render_that_spins_is_killed_by_the_cpu_limit() -> None:
    """An endless loop ends with SIGXCPU (or SIGKILL at the hard limit), not with our patience."""
    done = confined("while True:\n    pass\n", cpu_seconds=1)
    assert done.returncode in (-signal.SIGXCPU, -signal.SIGKILL)


def test_a_render_that_eats_memory_fails_inside_the_worker() -> None:
    """Asking for more than the address-space limit fails in the worker, not in the app."""
    done = confined(
        """
        try:
            hog = bytearray(3 << 30)
            print("allocated")
        except MemoryError:
            print("refused")
        """,
        memory=1 << 30,
    )
    assert done.stdout.strip() == b"refused"


def test_the_renderer_command_is_found() -> None:
    """resvg is installed where the worker looks for it (scripts/setup.sh installs it)."""
    assert Path(sandbox.renderer_path()).is_file()


def test_a_print_batch_with_a_long_budget_renders_every_drawing() -> None:
    """A batch's CPU budget may exceed one upload's: it lowers the worker's ceiling, no error."""
    drawing = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="10" height="10" fill="red"/></svg>'
    )
    items = [sandbox.Item("svg", drawing, boxes=((64, 64),))] * 30
    outcomes = sandbox.run(items, max_pixels=1_000_000, seconds=130, cpu_seconds=130)
    assert [outcome.refusal for outcome in outcomes] == [None] * 30
    assert {outcome.renders[0].image().size for outcome in outcomes} == {(64, 64)}

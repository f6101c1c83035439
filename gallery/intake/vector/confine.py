"""Shut the render worker in before it reads untrusted bytes: limits, no network, few files.

Used by ``worker.py`` only, which runs as its own script (stdlib and the renderers, never the
``gallery`` package), so this module imports nothing but the standard library. Every step is
Linux kernel machinery that a process applies to itself and can never undo:

- resource limits: CPU seconds, address space, no files written, few descriptors, no core;
- ``no_new_privs``, then a seccomp filter that answers ``socket()`` with EACCES, so no
  network of any kind (TCP, UDP, Unix) can be opened, whatever the renderer tries;
- a new, empty network namespace where the kernel allows one (root or user namespaces);
- Landlock: files may be read only beneath the directories handed in (fonts, the
  interpreter's and the system's libraries, the renderer binary), nothing may be written,
  and TCP connect/bind is refused too (ABI 4+).

``confine`` raises ``ConfineError`` when Landlock or seccomp is missing: the caller then
refuses to render at all rather than render unconfined.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import struct
import sys

_libc = ctypes.CDLL(None, use_errno=True)

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000

# (audit arch, socket syscall number) per machine; other machines refuse to confine.
_ARCHES = {
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}
_X32_BIT = 0x40000000

_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
# Every filesystem right of each ABI version: whatever is handled and not granted is denied.
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_NET_BIND_TCP = 1
_NET_CONNECT_TCP = 2


class ConfineError(RuntimeError):
    """The kernel could not confine this process; nothing untrusted may be handled."""


def confine(
    *,
    read_paths: list[str],
    exec_paths: list[str],
    cpu_seconds: int,
    memory_bytes: int,
    open_files: int = 64,
) -> dict[str, object]:
    """Apply every restriction to this process for good; return what was applied."""
    if not sys.platform.startswith("linux"):
        raise ConfineError(f"no confinement on {sys.platform}: Linux only")
    _limits(cpu_seconds=cpu_seconds, memory_bytes=memory_bytes, open_files=open_files)
    _no_new_privs()
    applied: dict[str, object] = {"netns": _new_network_namespace()}
    _deny_sockets()
    applied["landlock_abi"] = _landlock(read_paths, exec_paths)
    return applied


def lower_cpu_limit(seconds: int) -> None:
    """Tighten the CPU limit for the job at hand (limits can only ever be lowered)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(sum(os.times()[:2])) + 1 + max(1, seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard - 1)
        hard = min(hard, soft + 1)
    else:
        hard = soft + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _limits(*, cpu_seconds: int, memory_bytes: int, open_files: int) -> None:
    """Set hard resource limits: a runaway render is killed, never the server."""
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))


def _no_new_privs() -> None:
    """Forbid gaining privileges through exec (needed for seccomp and Landlock)."""
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise ConfineError(f"no_new_privs: {os.strerror(ctypes.get_errno())}")


def _new_network_namespace() -> bool:
    """Move into an empty network namespace when allowed; seccomp covers the other case."""
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if _libc.unshare(flags) == 0:
            return True
    return False


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _deny_sockets() -> None:
    """Install a seccomp filter: socket() fails with EACCES; other architectures are killed."""
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        raise ConfineError(f"no seccomp filter for {platform.machine()}")
    audit_arch, socket_nr = arch
    ld_w_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, kill = 0x7FFF0000, 0x80000000
    deny = 0x00050000 | errno.EACCES
    program = [
        (ld_w_abs, 0, 0, 4),  # seccomp_data.arch
        (jeq, 1, 0, audit_arch),
        (ret, 0, 0, kill),  # a foreign ABI (32-bit calls): no way around the filter
        (ld_w_abs, 0, 0, 0),  # seccomp_data.nr
        (jge, 2, 0, _X32_BIT),  # x32 numbering on x86_64
        (jeq, 1, 0, socket_nr),
        (ret, 0, 0, allow),
        (ret, 0, 0, deny),
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*op) for op in program))
    prog = _SockFprog(len(program), filters)
    if _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise ConfineError(f"seccomp: {os.strerror(ctypes.get_errno())}")


def _syscall(number: int, *args: object) -> int:
    """Call a raw system call; raise ConfineError on failure."""
    result = _libc.syscall(number, *args)
    if result < 0:
        raise ConfineError(f"syscall {number}: {os.strerror(ctypes.get_errno())}")
    return result


def _landlock(read_paths: list[str], exec_paths: list[str]) -> int:
    """Allow reading only beneath ``read_paths`` (and running ``exec_paths``); no writes."""
    abi = _libc.syscall(
        _SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), _LANDLOCK_CREATE_RULESET_VERSION
    )
    if abi < 1:
        raise ConfineError("Landlock is not available in this kernel")
    fs_rights = _FS_RIGHTS_BY_ABI[max(v for v in _FS_RIGHTS_BY_ABI if v <= abi)]
    if abi >= 4:
        attr = struct.pack("=QQ", fs_rights, _NET_BIND_TCP | _NET_CONNECT_TCP)
    else:
        attr = struct.pack("=Q", fs_rights)
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _syscall(_SYS_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), 0)
    try:
        read = _FS_READ_FILE | _FS_READ_DIR
        for path, rights in [(p, read) for p in read_paths] + [
            (p, read | _FS_EXECUTE) for p in exec_paths
        ]:
            _allow(ruleset, path, rights)
        _syscall(_SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)
    return abi


def _allow(ruleset: int, path: str, rights: int) -> None:
    """Add one path-beneath rule; a path that does not exist is skipped."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not os.path.isdir(path):
            # Directory-only rights cannot be granted on a file.
            rights &= _FS_READ_FILE | _FS_EXECUTE
        rule = struct.pack("=Qi", rights, fd)
        buf = ctypes.create_string_buffer(rule, len(rule))
        _syscall(_SYS_LANDLOCK_ADD_RULE, ruleset, _LANDLOCK_RULE_PATH_BENEATH, buf, 0)
    finally:
        os.close(fd)

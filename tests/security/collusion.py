# ruff: noqa: E501  (notebook sources are kept as a student would type them)
"""Two submissions working together: one leaves its answers wherever a later run might look.

In a batch, one warm sandbox grades submission after submission; anything that survives from one
child to the next (a file in a tmpfs, a SysV shared-memory segment, a message queue) is a channel
from one student to another. The accomplice is right; the receiver is wrong unless it finds the
accomplice's answers, which it then uses.
"""

from __future__ import annotations

from .answers import QUIZ6_STOLEN
from .attacks import src

PLACES = src(
    """
    import ctypes, json, os, time
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    KEY = 0x5EC0DE
    FILES = [f"{d}/{PAIR}" for d in ("/tmp", "/var/tmp", "/dev/shm", "/run", HOME, ".", "..", "../..", "/dev/mqueue")]
    """
)

ACCOMPLICE = PLACES + src(
    """
    answers = json.dumps({"q1": "C", "from": MARK})
    for path in FILES:
        attempt(f"leave answers in {path}", lambda path=path: open(path, "w").write(answers))

    def _sysv():
        shmid = libc_checked(libc.shmget(KEY, 4096, 0o1000 | 0o666))
        addr = libc.shmat(shmid, None, 0)
        if addr in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "shmat")
        ctypes.memmove(addr, answers.encode() + b"\\0", len(answers) + 1)
        return shmid

    attempt("leave answers in SysV shared memory", _sysv)
    """
)

RECEIVER = (
    PLACES
    + src(
        """
    found = []
    deadline = time.monotonic() + 8
    while not found and time.monotonic() < deadline:
        for path in FILES:
            try:
                with open(path) as f:
                    if "from" in f.read():
                        found.append(path)
            except OSError:
                pass
        shmid = libc.shmget(KEY, 0, 0)
        if shmid != -1:
            addr = libc.shmat(shmid, None, 0)
            if addr not in (None, ctypes.c_void_p(-1).value) and b"from" in ctypes.string_at(addr, 64):
                found.append("SysV shared memory")
        if not found:
            time.sleep(0.5)
    for place in found:
        _say(f"answers of another submission found in {place}", "BREACH", "")
    if not found:
        _say("answers of another submission", "HELD", "none found")
    if found:
    """
    )
    + "\n".join("    " + line for line in QUIZ6_STOLEN.splitlines())
    + "\n"
)

"""An unlocked project's data key, remembered for a while so each command need not ask.

``qantar unlock`` keeps the key in a file on a memory-backed folder (``$XDG_RUNTIME_DIR``
or ``/dev/shm``: never on disk, gone at reboot), readable by the owner only, with an
expiry; ``qantar lock`` removes it. Within one process the key is also kept in memory so
that scrypt runs once per command, not once per connection.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from pathlib import Path

from qantar.errors import N_, QantarError

_MEMORY: dict[str, bytes] = {}


def _folder() -> Path | None:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    for base in (Path(runtime) if runtime else None, Path("/dev/shm")):
        if base is not None and base.is_dir() and os.access(base, os.W_OK):
            return base / f"qantar-{os.getuid()}"
    return None


def _slot(root: Path) -> str:
    return hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:32]


def remembered(root: Path) -> bytes | None:
    slot = _slot(root)
    if slot in _MEMORY:
        return _MEMORY[slot]
    folder = _folder()
    if folder is None:
        return None
    path = folder / f"{slot}.key"
    try:
        data = json.loads(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    if float(data.get("expires", 0)) < time.time():
        path.unlink(missing_ok=True)
        return None
    key = base64.b64decode(data["key"])
    _MEMORY[slot] = key
    return key


def remember_in_process(root: Path, key: bytes) -> None:
    _MEMORY[_slot(root)] = key


def remember(root: Path, key: bytes, *, minutes: float) -> Path:
    folder = _folder()
    if folder is None:
        raise QantarError(
            N_(
                "no memory-backed folder (XDG_RUNTIME_DIR or /dev/shm) to keep the unlocked key "
                "in; give the passphrase to each command instead"
            )
        )
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / f"{_slot(root)}.key"
    payload = json.dumps(
        {"expires": time.time() + minutes * 60, "key": base64.b64encode(key).decode("ascii")}
    )
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(payload)
    os.replace(tmp, path)
    remember_in_process(root, key)
    return path


def forget(root: Path) -> bool:
    """Forget the key of the project at ``root``; True when one was remembered on disk."""
    slot = _slot(root)
    _MEMORY.pop(slot, None)
    folder = _folder()
    if folder is None:
        return False
    path = folder / f"{slot}.key"
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed

"""Safe reading of `.keras` zip archives: no path traversal, no decompression bombs.

A member named with an absolute path (`/etc/x`, `C:\\x`) or a `..` component is
refused before anything is read or extracted, and so is a member that declares far
more bytes than it stores.
"""

from __future__ import annotations

import os
import re
import zipfile

from lamina.saving.h5_store import RefusedFileError

# Keras's guard (CWE-409): refuse a member declaring more than 4 GiB and more than 100x
# the bytes it stores (Keras writes members uncompressed, ratio ~1).
_BOMB_FLOOR_BYTES = 1 << 32
_MAX_EXPANSION = 100
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_names(archive: zipfile.ZipFile, description: str) -> None:
    """Raise `RefusedFileError` if a member's name could escape the extraction folder.

    Example:
        >>> with zipfile.ZipFile("model.keras") as zf:
        ...     check_member_names(zf, "model.keras")
    """
    for name in archive.namelist():
        normalized = name.replace("\\", "/")
        if (
            normalized.startswith("/")
            or _DRIVE.match(normalized)
            or ".." in normalized.split("/")
            or "\x00" in normalized
        ):
            raise RefusedFileError(
                f"Not allowed: the archive {description} has a member named {name!r}, an "
                "absolute path or a path with '..'. Such an archive was not written by "
                "Keras or lamina and is refused, as it could write outside its folder."
            )


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of one member, after the decompression-bomb check (CRC verified)."""
    info = archive.getinfo(name)
    if info.file_size > _BOMB_FLOOR_BYTES and info.file_size > _MAX_EXPANSION * max(
        info.compress_size, 1
    ):
        raise RefusedFileError(
            f"Not allowed: zip member '{name}' declares {info.file_size} bytes but stores "
            f"only {info.compress_size}; refusing a potential decompression bomb."
        )
    with archive.open(info, "r") as f:
        return f.read()


def extract_folder(archive: zipfile.ZipFile, prefix: str, target: str) -> bool:
    """Extract the members under `prefix/` into `target`; False when there are none.

    Names were checked by `check_member_names`; each path is re-checked to stay inside
    `target` after normalisation.
    """
    root = os.path.realpath(target)
    found = False
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        if not name.startswith(f"{prefix}/") or name.endswith("/"):
            continue
        destination = os.path.realpath(os.path.join(root, *name.split("/")))
        if os.path.commonpath([root, destination]) != root:
            raise RefusedFileError(f"Not allowed: zip member {info.filename!r} escapes {prefix}/.")
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with open(destination, "wb") as f:
            f.write(read_member(archive, info.filename))
        found = True
    return found

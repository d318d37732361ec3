"""get_file: download a file once into Keras's cache, check its hash, extract archives."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import uuid
import warnings
import zipfile

_CHUNK_SIZE = 65535


def keras_home() -> str:
    """The Keras cache folder: `$KERAS_HOME`, else `~/.keras`, else `/tmp/.keras`.

    Read at every call (not at import), so setting `KERAS_HOME` later still takes effect.
    Keras and lamina share this folder, so a file already downloaded for one is reused by the
    other.
    """
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _writable_cache_base(cache_dir: str) -> str:
    """`cache_dir` when it is (or can be made) writable, else `/tmp/.keras` as Keras does."""
    cache_dir = os.path.expanduser(cache_dir)
    try:
        os.makedirs(cache_dir, exist_ok=True)
    except OSError:
        pass
    if os.access(cache_dir, os.W_OK):
        return cache_dir
    return os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")


def _resolve_hasher(algorithm: str, file_hash: str | None = None):
    if algorithm == "sha256" or (
        algorithm == "auto" and file_hash is not None and len(file_hash) == 64
    ):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(
        f"get_file: `hash_algorithm` must be one of 'auto', 'sha256', 'md5'. "
        f"Received: hash_algorithm={algorithm!r}"
    )


def hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = _CHUNK_SIZE) -> str:
    """The sha256 (or md5) hex digest of the file at `fpath`.

    Args:
        fpath: path of the file.
        algorithm: `"sha256"`, `"md5"` or `"auto"` (md5 when no hash is given to compare).
        chunk_size: bytes read at a time.

    Example:
        >>> hash_file("/path/to/file.zip")  # doctest: +SKIP
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    hasher = _resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(
    fpath: str, file_hash: str, algorithm: str = "auto", chunk_size: int = _CHUNK_SIZE
) -> bool:
    """Whether the file at `fpath` has the sha256 or md5 hash `file_hash`.

    Args:
        fpath: path of the file.
        file_hash: the expected hex digest.
        algorithm: `"auto"` (sha256 for a 64-character hash, else md5), `"sha256"` or `"md5"`.
        chunk_size: bytes read at a time.

    Example:
        >>> validate_file("/path/to/file.zip", "e3b0c442...")  # doctest: +SKIP
        False
    """
    hasher = _resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash)


def _check_member_path(name: str, base_dir: str, archive_path: str) -> None:
    """Refuse an archive member that would land outside `base_dir` (absolute or `..` path)."""
    target = os.path.realpath(os.path.join(base_dir, name))
    if os.path.isabs(name) or os.path.commonpath([target, base_dir]) != base_dir:
        raise ValueError(
            f"get_file: refusing to extract '{archive_path}': its member '{name}' has an "
            f"absolute path or '..' and would be written outside '{base_dir}'. "
            "Only extract archives from sources you trust."
        )


def _extract_tar(archive: tarfile.TarFile, path: str, archive_path: str) -> None:
    base_dir = os.path.realpath(path)
    for member in archive.getmembers():
        _check_member_path(member.name, base_dir, archive_path)
        if member.issym() or member.islnk():
            # Symlink targets are relative to the link's folder, hard links to the root.
            root = os.path.dirname(member.name) if member.issym() else ""
            _check_member_path(os.path.join(root, member.linkname), base_dir, archive_path)
    # The "data" filter (Python >= 3.11.4) also drops device files and unsafe permissions.
    if hasattr(tarfile, "data_filter"):
        archive.extractall(path, filter="data")
    else:
        archive.extractall(path)


def _extract_zip(archive: zipfile.ZipFile, path: str, archive_path: str) -> None:
    base_dir = os.path.realpath(path)
    for name in archive.namelist():
        _check_member_path(name, base_dir, archive_path)
    archive.extractall(path)


def extract_archive(file_path: str, path: str = ".", archive_format="auto") -> bool:
    """Extract a tar (`.tar`, `.tar.gz`, `.tar.bz2`) or zip archive into the folder `path`.

    Members with an absolute path, a `..` component or a link leading outside `path` are
    refused with a ValueError before anything is written. Extraction goes to a temporary
    folder renamed to `path` at the end, so `path` never holds half an archive.

    Args:
        file_path: the archive.
        path: the folder to extract into (replaced if it exists).
        archive_format: `"auto"` (`["tar", "zip"]`), `"tar"`, `"zip"`, a list of those,
            or None.

    Returns:
        True when the file matched one of the formats and was extracted, else False.

    Example:
        >>> extract_archive("data.tar.gz", "data")  # doctest: +SKIP
        True
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    file_path, path = os.fspath(file_path), os.fspath(path)
    for fmt in formats:
        if fmt == "tar":
            is_match, opener, extract = tarfile.is_tarfile, tarfile.open, _extract_tar
        elif fmt == "zip":
            is_match, opener, extract = zipfile.is_zipfile, zipfile.ZipFile, _extract_zip
        else:
            raise ValueError(
                "get_file: `archive_format` must be 'auto', 'tar', 'zip', a list of these "
                f"or None. Received: archive_format={archive_format!r}"
            )
        if not is_match(file_path):
            continue
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".extracting-", dir=parent)
        try:
            with opener(file_path) as archive:
                extract(archive, staging, file_path)
            if os.path.isdir(path):
                shutil.rmtree(path)
            os.replace(staging, path)
        finally:
            if os.path.isdir(staging):
                shutil.rmtree(staging)
        return True
    return False


def _download(origin: str, target: str, file_hash: str | None, hash_algorithm: str) -> None:
    """Stream `origin` to a temporary file beside `target`, renamed to `target` once complete
    and matching `file_hash`: `target` never holds a partial or corrupted file."""
    # Imported here: urllib.request pulls in http, email and ssl, which `import lamina` avoids.
    import http.client
    import urllib.request

    from lamina.utils.progbar import Progbar, print_msg

    print_msg(f"Downloading data from {origin}")
    folder, name = os.path.split(target)
    # Not mkstemp: its 0600 mode would stay on the cached file; open() applies the umask.
    partial = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.part")
    try:
        with open(partial, "xb") as out, urllib.request.urlopen(origin) as response:
            total = response.headers.get("Content-Length")
            progbar = Progbar(int(total) if total else None)
            done = 0
            for chunk in iter(lambda: response.read(_CHUNK_SIZE), b""):
                out.write(chunk)
                done += len(chunk)
                progbar.update(done)
            if total and done < int(total):
                # urllib returns a short body silently when the server closes early.
                raise ConnectionError(f"received {done} of {total} bytes")
        if file_hash is not None and not validate_file(partial, file_hash, hash_algorithm):
            raise ValueError(
                f"get_file: incomplete or corrupted file downloaded from '{origin}': its "
                f"{hash_algorithm} hash is {hash_file(partial, hash_algorithm)}, expected "
                f"{file_hash}. The file was deleted; try again, or check that `file_hash` "
                "belongs to this URL."
            )
        os.replace(partial, target)
    except (OSError, http.client.HTTPException) as error:
        raise _download_error(origin, target, error) from error
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _download_error(origin: str, target: str, error: Exception) -> OSError:
    if isinstance(error, urllib.error.HTTPError):
        reason = f"HTTP error {error.code}: {error.reason}"
    elif isinstance(error, urllib.error.URLError):
        reason = f"{error.reason} (no network access, or the host is unreachable)"
    else:
        reason = f"{type(error).__name__}: {error} (the transfer was interrupted)"
    return OSError(
        f"get_file: could not download '{origin}': {reason}. "
        f"To use the file without a network, download it on another machine and copy it to "
        f"'{target}' (the cache shared by lamina and Keras); it is then used as it is. "
        "Or pass `cache_dir=` to point at a folder that already holds it."
    )


def _cache_paths(fname, origin, untar, extract, datadir):
    """(download target, extraction folder or None) for Keras's file-naming rules."""
    provided = fname is not None and os.fspath(fname) != ""
    fname = os.fspath(fname) if provided else ""
    if not provided:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"get_file: cannot read a file name from the origin '{origin}'. "
                "Pass the `fname` argument."
            )
    elif os.sep in fname:
        raise ValueError(
            "get_file: `fname` must be a file name, not a path. To choose the parent folder, "
            f"use `cache_dir` (and `cache_subdir`). Received: fname={fname!r}"
        )
    if not (extract or untar):
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(
    fname: str | os.PathLike | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str | list[str] | None = "auto",
    cache_dir: str | os.PathLike | None = None,
    force_download: bool = False,
) -> str:
    """Download a file from a URL unless it is already in the cache, as `keras.utils.get_file`.

    The file goes to `cache_dir/cache_subdir/fname`; by default `~/.keras/datasets/` (or
    `$KERAS_HOME/datasets/`), the folder Keras uses, so files Keras downloaded are reused.
    Downloads are atomic (a temporary file renamed when complete); with `file_hash`, a file
    whose hash does not match is deleted and a ValueError is raised.

    Args:
        fname: name of the file in the cache; None takes the last part of the URL. With
            `extract=True` and no extension, the name of the extraction folder.
        origin: URL of the file.
        untar: deprecated, use `extract`: whether the file is a tar archive to extract.
        md5_hash: deprecated, use `file_hash`: md5 hash of the file.
        file_hash: expected sha256 or md5 hex digest of the file.
        cache_subdir: subfolder of the cache (an absolute path is used as it is).
        hash_algorithm: `"auto"`, `"sha256"` or `"md5"`; `"auto"` tells them apart by length.
        extract: whether to extract the file, a tar or zip archive.
        archive_format: `"auto"`, `"tar"`, `"zip"`, a list of these, or None.
        cache_dir: the cache folder; None means `$KERAS_HOME` or `~/.keras`.
        force_download: download again even when the file is in the cache.

    Returns:
        The path of the downloaded file, or of the extraction folder with `extract=True`.

    Example:
        >>> path = lamina.utils.get_file(
        ...     origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
        ... )  # doctest: +SKIP
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (URL of the file).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = _writable_cache_base(keras_home() if cache_dir is None else os.fspath(cache_dir))
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    target, extraction_dir = _cache_paths(fname, origin, untar, extract, datadir)

    if file_hash is not None:
        hash_algorithm = _resolve_hasher(hash_algorithm, file_hash).name
    download = force_download or not os.path.exists(target)
    if (
        not download
        and file_hash is not None
        and not validate_file(target, file_hash, hash_algorithm)
    ):
        from lamina.utils.progbar import print_msg

        print_msg(
            f"A local file was found at {target}, but its {hash_algorithm} hash does not match "
            f"{file_hash}: it seems incomplete or outdated, so it is downloaded again."
        )
        download = True
    if download:
        _download(origin, target, file_hash, hash_algorithm)

    if extraction_dir is None:
        return target
    if download or not os.path.isdir(extraction_dir):
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn(f"get_file: could not extract archive '{target}'.", stacklevel=2)
    return extraction_dir


__all__ = ["extract_archive", "get_file", "hash_file", "keras_home", "validate_file"]

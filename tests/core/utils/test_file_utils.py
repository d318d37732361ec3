"""lamina.utils.get_file: Keras's cache layout, hashes, atomic downloads, safe extraction."""

import hashlib
import http.server
import io
import os
import socket
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

# The local HTTP server shared with the dataset tests (`--import-mode=importlib`).
sys.path.insert(0, str(Path(__file__).parents[1] / "datasets"))
from dataset_server import serve

from lamina.utils import file_utils, get_file

CONTENT = b"lamina test payload\n" * 100
SHA256 = hashlib.sha256(CONTENT).hexdigest()
MD5 = hashlib.md5(CONTENT).hexdigest()


def _tar(path, members, links=()):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("origin")
    (folder / "data.bin").write_bytes(CONTENT)
    _tar(folder / "bundle.tar.gz", {"bundle/a.txt": b"a", "bundle/sub/b.txt": b"b"})
    with zipfile.ZipFile(folder / "bundle.zip", "w") as archive:
        archive.writestr("z/c.txt", "c")
    _tar(folder / "escape.tar.gz", {"ok.txt": b"ok", "../escaped.txt": b"evil"})
    _tar(folder / "absolute.tar.gz", {"/tmp/lamina_absolute_member.txt": b"evil"})
    _tar(folder / "link.tar.gz", {"ok.txt": b"ok"}, links=[("link", "../../outside")])
    with zipfile.ZipFile(folder / "escape.zip", "w") as archive:
        archive.writestr("../escaped.txt", "evil")
    with serve(folder) as running:
        yield running


@pytest.fixture
def server(served):
    served.requests.clear()
    return served


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_downloads_into_cache_subdir(server, cache):
    path = get_file("data.bin", origin=server.url + "data.bin", cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.bin")
    assert Path(path).read_bytes() == CONTENT
    assert os.listdir(cache / "datasets") == ["data.bin"]  # no temporary file left


def test_file_name_defaults_to_the_url_basename(server, cache):
    path = get_file(origin=server.url + "data.bin?x=1", cache_dir=cache, cache_subdir="sub")
    assert path == str(cache / "sub" / "data.bin")


def test_absolute_cache_subdir_is_used_as_is(server, tmp_path):
    target = tmp_path / "elsewhere"
    path = get_file("d.bin", origin=server.url + "data.bin", cache_subdir=str(target))
    assert path == str(target / "d.bin")


def test_default_cache_is_keras_home(server, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    path = get_file("data.bin", origin=server.url + "data.bin")
    assert path == str(tmp_path / "kh" / "datasets" / "data.bin")


def test_keras_home_falls_back_to_home_dot_keras(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert file_utils.keras_home() == str(tmp_path / ".keras")


def test_unwritable_cache_falls_back_to_tmp(monkeypatch, tmp_path):
    read_only = str(tmp_path / "ro")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: p != read_only and real_access(p, m))
    assert file_utils._writable_cache_base(read_only) == os.path.join("/tmp", ".keras")


def test_cached_file_is_not_downloaded_again(server, cache):
    for _ in range(2):
        get_file("data.bin", origin=server.url + "data.bin", cache_dir=cache, file_hash=SHA256)
    assert server.requests == ["/data.bin"]
    get_file("data.bin", origin=server.url + "data.bin", cache_dir=cache, force_download=True)
    assert server.requests == ["/data.bin", "/data.bin"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"file_hash": SHA256},
        {"file_hash": MD5},
        {"md5_hash": MD5},
        {"file_hash": SHA256, "hash_algorithm": "sha256"},
        {"file_hash": MD5, "hash_algorithm": "md5"},
    ],
)
def test_matching_hashes_are_accepted(server, cache, kwargs):
    path = get_file("data.bin", origin=server.url + "data.bin", cache_dir=cache, **kwargs)
    assert Path(path).read_bytes() == CONTENT


@pytest.mark.parametrize("bad_hash, algorithm", [("0" * 64, "sha256"), ("0" * 32, "md5")])
def test_hash_mismatch_deletes_the_file_and_raises(server, cache, bad_hash, algorithm):
    with pytest.raises(ValueError, match=f"{algorithm} hash is .*expected {bad_hash}"):
        get_file("data.bin", origin=server.url + "data.bin", cache_dir=cache, file_hash=bad_hash)
    assert os.listdir(cache / "datasets") == []


def test_stale_cached_file_is_downloaded_again(server, cache, capsys):
    (cache / "datasets").mkdir(parents=True)
    (cache / "datasets" / "data.bin").write_bytes(b"truncated")
    path = get_file("data.bin", origin=server.url + "data.bin", cache_dir=cache, file_hash=SHA256)
    assert Path(path).read_bytes() == CONTENT and server.requests == ["/data.bin"]
    assert "downloaded again" in capsys.readouterr().out


def test_file_put_in_the_cache_by_hand_is_used_offline(cache):
    (cache / "datasets").mkdir(parents=True)
    (cache / "datasets" / "data.bin").write_bytes(CONTENT)
    path = get_file("data.bin", origin="http://127.0.0.1:9/data.bin", cache_dir=cache)
    assert Path(path).read_bytes() == CONTENT


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_offline_error_names_url_cache_path_and_hint(cache):
    url = f"http://127.0.0.1:{_closed_port()}/data.bin"
    with pytest.raises(OSError) as info:
        get_file("data.bin", origin=url, cache_dir=cache)
    message = str(info.value)
    assert url in message
    assert str(cache / "datasets" / "data.bin") in message
    assert "copy it" in message and "no network access" in message
    assert os.listdir(cache / "datasets") == []


def test_http_error_is_reported(server, cache):
    with pytest.raises(OSError, match="HTTP error 404"):
        get_file("missing.bin", origin=server.url + "missing.bin", cache_dir=cache)
    assert os.listdir(cache / "datasets") == []


class _TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Announces 1,000 bytes, sends 10, then closes: a download cut off midway."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"0123456789")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format, *args):
        pass


def test_interrupted_download_leaves_nothing_in_the_cache(cache):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TruncatingHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/data.bin"
        with pytest.raises(OSError, match="interrupted"):
            get_file("data.bin", origin=url, cache_dir=cache)
    finally:
        server.shutdown()
        server.server_close()
    assert os.listdir(cache / "datasets") == []


def test_extract_tar_without_extension_in_fname(server, cache):
    path = get_file("bundle", origin=server.url + "bundle.tar.gz", cache_dir=cache, extract=True)
    assert path == str(cache / "datasets" / "bundle")
    assert (Path(path) / "bundle" / "sub" / "b.txt").read_bytes() == b"b"
    assert sorted(os.listdir(cache / "datasets")) == ["bundle", "bundle_archive"]
    get_file("bundle", origin=server.url + "bundle.tar.gz", cache_dir=cache, extract=True)
    assert server.requests == ["/bundle.tar.gz"]


def test_extract_with_extension_in_fname(server, cache):
    path = get_file(
        "bundle.tar.gz", origin=server.url + "bundle.tar.gz", cache_dir=cache, extract=True
    )
    assert path == str(cache / "datasets" / "bundle_extracted")
    assert sorted(os.listdir(cache / "datasets")) == ["bundle.tar.gz", "bundle_extracted"]


def test_untar_and_zip(server, cache):
    path = get_file("t", origin=server.url + "bundle.tar.gz", cache_dir=cache, untar=True)
    assert (Path(path) / "bundle" / "a.txt").exists()
    path = get_file(origin=server.url + "bundle.zip", cache_dir=cache, extract=True)
    assert path == str(cache / "datasets" / "bundle.zip")
    assert (Path(path) / "z" / "c.txt").read_text() == "c"


def test_archive_format_that_does_not_match_warns(server, cache):
    with pytest.warns(UserWarning, match="could not extract"):
        get_file("b", origin=server.url + "bundle.zip", cache_dir=cache, extract=True,
                 archive_format="tar")  # fmt: skip


@pytest.mark.parametrize(
    "archive, member",
    [
        ("escape.tar.gz", "../escaped.txt"),
        ("absolute.tar.gz", "/tmp/lamina_absolute_member.txt"),
        ("link.tar.gz", "../../outside"),
        ("escape.zip", "../escaped.txt"),
    ],
)
def test_members_escaping_the_folder_are_refused(server, cache, archive, member):
    with pytest.raises(ValueError, match="refusing to extract") as info:
        get_file("x", origin=server.url + archive, cache_dir=cache, extract=True)
    assert member in str(info.value)
    assert not (cache / "datasets" / "escaped.txt").exists()
    assert not (cache / "datasets" / "x").exists()  # nothing half-extracted either
    assert not Path("/tmp/lamina_absolute_member.txt").exists()


def test_invalid_arguments():
    with pytest.raises(ValueError, match="origin"):
        get_file("data.bin")
    with pytest.raises(ValueError, match="not a path"):
        get_file(os.path.join("a", "b.bin"), origin="http://127.0.0.1:9/b.bin")
    with pytest.raises(ValueError, match="file name"):
        get_file(origin="http://127.0.0.1:9/")
    with pytest.raises(ValueError, match="hash_algorithm"):
        file_utils.hash_file(__file__, "sha1")


def test_hash_file_and_validate_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(CONTENT)
    assert file_utils.hash_file(path) == SHA256
    assert file_utils.hash_file(path, "md5") == MD5
    assert file_utils.validate_file(path, SHA256) and file_utils.validate_file(path, MD5)
    assert not file_utils.validate_file(path, "0" * 64)


def test_failed_forced_download_keeps_the_cached_file(server, cache):
    path = get_file("data.bin", origin=server.url + "data.bin", cache_dir=cache)
    with pytest.raises(ValueError, match="corrupted"):
        get_file(
            "data.bin",
            origin=server.url + "data.bin",
            cache_dir=cache,
            file_hash="0" * 64,
            force_download=True,
        )
    assert Path(path).read_bytes() == CONTENT and os.listdir(cache / "datasets") == ["data.bin"]

"""The verified downloader against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.download import fetch_verified, unpack_archive_atomically
from assistant.errors import DownloadError


class _Files:
    """What the test server serves, and how it misbehaves."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.truncate_next_at: int | None = None
        self.range_requests: list[str] = []


def _handler(files: _Files) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            """Keep test output quiet."""

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            """Serve a blob, honouring Range and an optional truncation."""
            blob = files.blobs.get(self.path)
            if blob is None:
                self.send_error(404)
                return
            start = 0
            wanted = self.headers.get("Range")
            if wanted:
                files.range_requests.append(wanted)
                start = int(wanted.removeprefix("bytes=").split("-")[0])
                if start >= len(blob):
                    self.send_error(416)
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(blob) - 1}/{len(blob)}")
            else:
                self.send_response(200)
            body = blob[start:]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if files.truncate_next_at is not None:
                body = body[: files.truncate_next_at]
                files.truncate_next_at = None
                self.close_connection = True
            self.wfile.write(body)

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, _Files]]:
    files = _Files()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(files))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", files
    finally:
        httpd.shutdown()
        httpd.server_close()


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, data in files.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_download_installs_file_with_matching_checksum(server, tmp_path: Path) -> None:
    base, files = server
    blob = bytes(range(256)) * 1000
    files.blobs["/model.zip"] = blob
    seen: list[tuple[int, int | None]] = []
    dest = fetch_verified(f"{base}/model.zip", _sha(blob), tmp_path / "model.zip",
                          progress=lambda done, total: seen.append((done, total)))
    assert dest.read_bytes() == blob
    assert not (tmp_path / "model.zip.part").exists()
    assert seen[-1] == (len(blob), len(blob))


def test_truncated_transfer_leaves_nothing_installed_and_resumes(server, tmp_path: Path) -> None:
    base, files = server
    blob = bytes(range(256)) * 4000
    files.blobs["/model.zip"] = blob
    files.truncate_next_at = 300_000
    dest = tmp_path / "model.zip"
    with pytest.raises(DownloadError, match="run the same command again to resume"):
        fetch_verified(f"{base}/model.zip", _sha(blob), dest)
    assert not dest.exists()
    assert (tmp_path / "model.zip.part").stat().st_size == 300_000

    fetch_verified(f"{base}/model.zip", _sha(blob), dest)
    assert dest.read_bytes() == blob
    assert files.range_requests == ["bytes=300000-"]


def test_checksum_mismatch_is_refused_and_discarded(server, tmp_path: Path) -> None:
    base, files = server
    files.blobs["/model.zip"] = b"not what was pinned"
    dest = tmp_path / "model.zip"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        fetch_verified(f"{base}/model.zip", _sha(b"the real thing"), dest)
    assert not dest.exists()
    assert not (tmp_path / "model.zip.part").exists()


def test_unreachable_host_says_how_to_install_by_hand(tmp_path: Path) -> None:
    # Port 9 on localhost is closed here, so the connection is refused at once.
    dest = tmp_path / "model.zip"
    with pytest.raises(DownloadError, match=r"cannot reach 127\.0\.0\.1: .*copy the file to .*model\.zip by hand"):
        fetch_verified("http://127.0.0.1:9/model.zip", _sha(b""), dest, timeout=2)


def test_missing_file_names_the_status(server, tmp_path: Path) -> None:
    base, _ = server
    with pytest.raises(DownloadError, match="404"):
        fetch_verified(f"{base}/nothing.zip", _sha(b""), tmp_path / "nothing.zip")


def test_zip_with_one_top_directory_becomes_the_destination(tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    archive.write_bytes(_zip_of({"model-1/conf/model.conf": b"x", "model-1/README": b"hi"}))
    target = unpack_archive_atomically(archive, tmp_path / "models" / "model-1")
    assert (target / "conf" / "model.conf").read_bytes() == b"x"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["model-1"]


def test_tar_gz_replaces_an_older_install(tmp_path: Path) -> None:
    target = tmp_path / "voice"
    target.mkdir()
    (target / "old.onnx").write_bytes(b"old")
    archive = tmp_path / "voice.tar.gz"
    with tarfile.open(archive, "w:gz") as tarred:
        data = b"new"
        info = tarfile.TarInfo("voice/new.onnx")
        info.size = len(data)
        tarred.addfile(info, io.BytesIO(data))
    unpack_archive_atomically(archive, target)
    assert [p.name for p in target.iterdir()] == ["new.onnx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["voice", "voice.tar.gz"]


def test_corrupt_archive_leaves_no_destination(tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    archive.write_bytes(b"PK\x03\x04 garbage")
    with pytest.raises(DownloadError, match="not a valid archive"):
        unpack_archive_atomically(archive, tmp_path / "models" / "m")
    assert list((tmp_path / "models").iterdir()) == []


def _tar_gz_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tarred:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tarred.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("suffix", [".tar.gz", ".tgz", ".zip"])
def test_a_model_is_fetched_and_installed_whatever_its_archive_type(server, tmp_path, monkeypatch, suffix) -> None:
    from assistant.speech import models

    base, files = server
    contents = {"m-1/am/final.mdl": b"model", "m-1/conf/model.conf": b"--x"}
    blob = _zip_of(contents) if suffix == ".zip" else _tar_gz_of(contents)
    files.blobs[f"/m-1{suffix}"] = blob
    manifest = tmp_path / "models.json"
    manifest.write_text(json.dumps({"m-1": {"url": f"{base}/m-1{suffix}", "sha256": _sha(blob)}}))
    monkeypatch.setenv(models.MANIFEST_ENV, str(manifest))
    installed = models.fetch("m-1", tmp_path / "models")
    assert (installed / "am" / "final.mdl").read_bytes() == b"model"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["m-1"]


def test_a_model_url_that_is_no_archive_is_refused_before_any_download(tmp_path, monkeypatch) -> None:
    from assistant.speech import models

    manifest = tmp_path / "models.json"
    manifest.write_text(json.dumps({"m-1": {"url": "http://127.0.0.1:9/m-1.rar", "sha256": "0" * 64}}))
    monkeypatch.setenv(models.MANIFEST_ENV, str(manifest))
    with pytest.raises(DownloadError, match="unknown archive type"):
        models.fetch("m-1", tmp_path / "models")

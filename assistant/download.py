"""Verified, resumable downloads and atomic unpacking for models and voices.

A download goes to `<dest>.part` first; only a file whose sha256 matches the
pinned one is renamed onto `dest`, so a half-download never looks installed.
An interrupted download resumes from the `.part` file with an HTTP Range
request. Archives are unpacked into a temporary directory beside the target
and renamed into place, for the same reason.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import shutil
import stat
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

from assistant.errors import DownloadError

logger = logging.getLogger(__name__)

Progress = Callable[[int, "int | None"], None]
"""Called with (bytes so far, total bytes or None when the server did not say)."""

_CHUNK = 1 << 16
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")
"""The archives `unpack_archive_atomically` can unpack."""


def archive_suffix(url: str) -> str:
    """The archive type at the end of `url`'s path (".tar.gz", not ".gz"); `DownloadError` for any other."""
    name = urllib.parse.urlsplit(url).path.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            return suffix
    raise DownloadError(f"{url}: unknown archive type (expected one of {', '.join(ARCHIVE_SUFFIXES)})")


def fetch_verified(
    url: str,
    sha256: str,
    dest: Path,
    *,
    progress: Progress | None = None,
    timeout: float = 30,
) -> Path:
    """Download `url` to `dest`, resuming a `.part` file, and install it only if its sha256 matches."""
    dest = Path(dest)
    expected = sha256.strip().lower()
    if dest.exists() and _sha256_of(dest) == expected:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    _download(url, part, dest, progress=progress, timeout=timeout)
    actual = _sha256_of(part)
    if actual != expected:
        # A corrupt partial must not be resumed next time: start over from zero.
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"checksum mismatch for {url}: expected sha256 {expected}, got {actual}; "
            "the download was discarded, try again or copy the file to "
            f"{dest} by hand"
        )
    os.replace(part, dest)
    logger.info("installed %s", dest)
    return dest


def _download(url: str, part: Path, dest: Path, *, progress: Progress | None, timeout: float) -> None:
    host = urllib.parse.urlsplit(url).hostname or url
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "footstretch"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:
            # The .part is already complete (or longer than the file): let the checksum decide.
            return
        raise DownloadError(f"{url}: server answered {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(
            f"cannot reach {host}: {reason}; copy the file to {dest} by hand"
        ) from error
    with response:
        resumed = have > 0 and response.status == 206
        if not resumed:
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        try:
            with open(part, "ab" if resumed else "wb") as out:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    have += len(chunk)
                    if progress is not None:
                        progress(have, total)
        except (OSError, http.client.HTTPException) as error:
            raise DownloadError(
                f"download of {url} interrupted after {have} bytes ({error}); "
                "run the same command again to resume"
            ) from error
    if total is not None and have < total:
        raise DownloadError(
            f"download of {url} stopped after {have} of {total} bytes; "
            "run the same command again to resume"
        )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def unpack_archive_atomically(archive: Path, dest_dir: Path) -> Path:
    """Extract a .zip or .tar.gz so that `dest_dir` appears complete or not at all.

    When the archive holds a single top-level directory (as vosk's models do),
    that directory's contents become `dest_dir`.
    """
    archive, dest_dir = Path(archive), Path(dest_dir)
    dest_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest_dir.name}.", dir=dest_dir.parent))
    try:
        _extract(archive, staging)
        entries = list(staging.iterdir())
        root = entries[0] if len(entries) == 1 and entries[0].is_dir() else staging
        if dest_dir.exists():
            # Replace an older install only after the new one is fully on disk.
            old = Path(tempfile.mkdtemp(prefix=f".{dest_dir.name}.old.", dir=dest_dir.parent))
            os.replace(dest_dir, old / dest_dir.name)
            try:
                os.replace(root, dest_dir)
            except OSError:
                os.replace(old / dest_dir.name, dest_dir)
                raise
            finally:
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(root, dest_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest_dir


def _extract(archive: Path, into: Path) -> None:
    try:
        if archive_suffix(archive.name) == ".zip":
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.infolist():
                    _check_zip_member(into, member, archive)
                zipped.extractall(into)
        else:
            with tarfile.open(archive) as tarred:
                tarred.extractall(into, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError) as error:
        raise DownloadError(f"{archive} is not a valid archive: {error}") from error
    except OSError as error:
        raise DownloadError(f"{archive} cannot be unpacked: {error}") from error


def _check_zip_member(root: Path, member: zipfile.ZipInfo, archive: Path) -> None:
    """A member lands inside `root` and is a file or a directory (zipfile would write a link as a file)."""
    target = (root / member.filename).resolve()
    if not target.is_relative_to(root.resolve()):
        raise DownloadError(f"{archive}: member {member.filename!r} would land outside {root}")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise DownloadError(f"{archive}: member {member.filename!r} is a symbolic link, which a model never holds")

"""The voice manifest and `footstretch voices list|fetch`, against a local HTTP server."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import ConfigError
from assistant.speech.tts import DEFAULT_VOICE, Voice, bundled_voice_files
from assistant.speech.voices import MANIFEST, is_installed, load_manifest

TEST_VOICE = "en_US-test-medium"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving a copy of the bundled voice as TEST_VOICE."""
    root = tmp_path_factory.mktemp("served")
    model, config = bundled_voice_files()
    shutil.copy(model, root / f"{TEST_VOICE}.onnx")
    shutil.copy(config, root / f"{TEST_VOICE}.onnx.json")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def write_manifest(path: Path, base: str, model_sha: str, config_sha: str) -> Path:
    path.write_text(
        "[[voice]]\n"
        f'name = "{TEST_VOICE}"\n'
        'language = "en_US"\nquality = "medium"\nlicence = "CC0-1.0"\n'
        f'url = "{base}/{TEST_VOICE}.onnx"\nsha256 = "{model_sha}"\n'
        f'config_url = "{base}/{TEST_VOICE}.onnx.json"\nconfig_sha256 = "{config_sha}"\n',
        encoding="utf-8",
    )
    return path


def test_the_shipped_manifest_lists_official_piper_voices() -> None:
    manifest = load_manifest()
    assert DEFAULT_VOICE in manifest and len(manifest) >= 3
    for entry in manifest.values():
        assert entry.url.startswith("https://huggingface.co/rhasspy/piper-voices/")
        assert entry.url.endswith(f"/{entry.name}.onnx")
        assert entry.config_url == entry.url + ".json"
        assert entry.language == entry.name.split("-")[0] and entry.name.endswith(entry.quality)
        assert entry.licence


def test_the_default_voice_pins_match_the_bundled_files() -> None:
    entry = load_manifest()[DEFAULT_VOICE]
    model, config = bundled_voice_files()
    assert entry.bundled and entry.pinned
    assert (entry.sha256, entry.config_sha256) == (sha256(model), sha256(config))


def test_a_malformed_manifest_names_the_key_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.toml"
    bad.write_text('[[voice]]\nname = "x"\nlanguage = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"manifest.toml:3: voice.language"):
        load_manifest(bad)


@pytest.mark.integration
def test_fetch_installs_a_verified_voice_that_then_loads(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    manifest = write_manifest(
        tmp_path / "manifest.toml", base, sha256(root / f"{TEST_VOICE}.onnx"), sha256(root / f"{TEST_VOICE}.onnx.json")
    )
    voices_dir = tmp_path / "voices"
    args = ["voices", "--manifest", str(manifest), "--voices-dir", str(voices_dir)]
    assert main([*args, "fetch", TEST_VOICE]) == 0
    assert is_installed(TEST_VOICE, voices_dir)
    assert not list(voices_dir.glob("*.part"))
    assert Voice.load(TEST_VOICE, voices_dir).name == TEST_VOICE


@pytest.mark.integration
def test_fetch_with_a_wrong_checksum_installs_nothing(
    server: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, root = server
    manifest = write_manifest(tmp_path / "manifest.toml", base, "0" * 64, sha256(root / f"{TEST_VOICE}.onnx.json"))
    voices_dir = tmp_path / "voices"
    code = main(["voices", "--manifest", str(manifest), "--voices-dir", str(voices_dir), "fetch", TEST_VOICE])
    assert code == 1
    assert "checksum mismatch" in capsys.readouterr().err
    assert not is_installed(TEST_VOICE, voices_dir)
    assert not (voices_dir / f"{TEST_VOICE}.onnx").exists()


def test_fetch_refuses_a_voice_without_a_pinned_checksum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write_manifest(tmp_path / "manifest.toml", "http://127.0.0.1:9", "", "")
    code = main(["voices", "--manifest", str(manifest), "--voices-dir", str(tmp_path), "fetch", TEST_VOICE])
    assert code == 1
    assert "no pinned sha256" in capsys.readouterr().err


def test_fetch_of_an_unknown_voice_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "fetch", "xx_XX-nobody-low"]) == 2
    assert DEFAULT_VOICE in capsys.readouterr().err


def test_list_shows_which_voices_are_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, config = bundled_voice_files()
    (tmp_path / "en_US-ljspeech-medium.onnx.json").symlink_to(config)
    (tmp_path / "en_US-ljspeech-medium.onnx").symlink_to(model)
    assert main(["voices", "--voices-dir", str(tmp_path), "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "installed" in lines["en_US-ljspeech-medium"]
    assert "bundled" in lines[DEFAULT_VOICE]
    assert len(lines) == len(load_manifest(MANIFEST)) + 1  # plus the header

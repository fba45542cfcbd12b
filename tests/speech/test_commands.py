"""`footstretch recognize` and `footstretch models` as a person runs them."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import soxr

from assistant.cli import main
from benchmarks import speechset


@pytest.mark.integration
@pytest.mark.parametrize("strictness", ["normal", "strict"])
def test_recognize_a_stereo_44k_file_prints_one_json_line_per_command(tmp_path: Path, capsys, strictness: str) -> None:
    texts = ["how much longer", "pause the movie", "skip this one"]
    audio, placed = speechset.scene([(t, speechset.piper(t)) for t in texts])
    stereo = np.repeat(soxr.resample(speechset.mix(audio, 30).astype(np.float32), 16000, 44100)[:, None], 2, axis=1)
    wav = speechset.write_wav(tmp_path / "talk.wav", speechset.to_int16(stereo).ravel(), 44100, 2)
    assert main(["recognize", str(wav), "--backend", "pocketsphinx", "--strictness", strictness, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(d["intent"], d["text"]) for d in lines] == [("time_left", "how much longer"), ("next", "skip this one")]
    assert set(lines[0]) == {"text", "intent", "slots", "start", "end", "confidence"}
    assert abs(lines[1]["start"] - placed[2].start) < 0.4


def test_recognize_a_file_that_is_not_audio_exits_2(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.wav"
    notes.write_text("shopping list", encoding="utf-8")
    assert main(["recognize", str(notes)]) == 2
    assert capsys.readouterr().err.strip() == f"footstretch: {notes}: not a readable WAV file (file does not start with RIFF id)"


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch):
    """A local HTTP server holding a small model archive, named by a manifest."""
    served = tmp_path / "served"
    served.mkdir()
    archive = served / "tiny-model.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("tiny-model/conf/model.conf", "--sample-frequency=16000\n")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(served)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    manifest = tmp_path / "manifest.json"
    port = httpd.server_address[1]
    manifest.write_text(json.dumps({
        "tiny-model": {"url": f"http://127.0.0.1:{port}/tiny-model.zip",
                       "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(), "size": archive.stat().st_size},
        "offline-model": {"url": "http://127.0.0.1:9/offline.zip", "sha256": "0" * 64},
    }))
    monkeypatch.setenv("FOOTSTRETCH_MODEL_MANIFEST", str(manifest))
    yield tmp_path / "data"
    httpd.shutdown()
    httpd.server_close()


def test_models_fetch_installs_and_list_shows_it(mirror: Path, capsys) -> None:
    assert main(["models", "--data-dir", str(mirror), "fetch", "tiny-model"]) == 0
    assert (mirror / "tiny-model" / "conf" / "model.conf").is_file()
    assert sorted(p.name for p in mirror.iterdir()) == ["tiny-model"]
    capsys.readouterr()
    assert main(["models", "--data-dir", str(mirror), "list"]) == 0
    assert "tiny-model\tinstalled" in capsys.readouterr().out


def test_models_fetch_offline_is_one_clear_line(mirror: Path, capsys) -> None:
    assert main(["models", "--data-dir", str(mirror), "fetch", "offline-model"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("footstretch: cannot reach 127.0.0.1:") and "by hand" in err
    assert not (mirror / "offline-model").exists()

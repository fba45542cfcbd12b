"""The prompt cache: render once, read back instantly, re-render only what changed, never play damage."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.speech.prompt_cache import PromptCache
from assistant.speech.tts import Voice

pytestmark = pytest.mark.integration

PROMPTS = ["Starting now.", "Three.", "Two.", "One.", "Relax. Round two next."]


@pytest.fixture()
def cache(voice: Voice, tmp_path: Path) -> PromptCache:
    return PromptCache(voice, tmp_path / "prompts")


def test_prepare_renders_every_prompt_once(cache: PromptCache) -> None:
    first = cache.prepare(PROMPTS + ["Three."])
    assert (first.rendered, first.kept, first.removed) == (5, 0, 0)
    again = cache.prepare(PROMPTS)
    assert (again.rendered, again.kept, again.removed) == (0, 5, 0)
    assert all(cache.get(text) is not None for text in PROMPTS)


def test_a_cached_prompt_reads_back_exactly_as_rendered(cache: PromptCache) -> None:
    rendered = cache.audio("Starting now.")  # a miss: synthesized and stored
    read = cache.get("Starting now.")
    assert read is not None and read.rate == rendered.rate
    assert np.array_equal(read.samples, rendered.samples)
    assert cache.audio("  Starting   now. ") is not None  # whitespace does not make a new prompt
    assert len(list(cache.directory.glob("*.pcm"))) == 1


def test_a_changed_routine_renders_only_the_new_sentences_and_drops_the_old(cache: PromptCache) -> None:
    cache.prepare(PROMPTS)
    kept_file = cache.path_for("Three.")
    before = kept_file.stat().st_mtime_ns
    result = cache.prepare(PROMPTS[:-1] + ["Relax. Round three next."])
    assert (result.rendered, result.kept, result.removed) == (1, 4, 1)
    assert kept_file.stat().st_mtime_ns == before
    assert not cache.path_for("Relax. Round two next.").exists()


def test_another_speaking_rate_is_a_separate_cache(voice: Voice, tmp_path: Path) -> None:
    normal = PromptCache(voice, tmp_path, length_scale=1.0)
    slow = PromptCache(voice, tmp_path, length_scale=1.25)
    normal.prepare(["Starting now."])
    assert slow.get("Starting now.") is None
    assert slow.prepare(["Starting now."]).rendered == 1
    assert slow.audio("Starting now.").duration > normal.audio("Starting now.").duration
    assert normal.get("Starting now.") is not None  # untouched by the other setting


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:10], id="shorter-than-header"),
        pytest.param(lambda data: data[:-1000] + bytes(b ^ 0xFF for b in data[-1000:]), id="flipped-bits"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data + b"\0\0", id="too-long"),
    ],
)
def test_a_damaged_entry_is_never_played_and_is_rendered_again(cache: PromptCache, damage) -> None:
    good = cache.audio("Two.")
    path = cache.path_for("Two.")
    path.write_bytes(damage(path.read_bytes()))
    assert cache.get("Two.") is None
    assert not path.exists()
    assert cache.prepare(["Two."]).rendered == 1
    again = cache.get("Two.")
    assert again is not None and again.duration == pytest.approx(good.duration, rel=0.3)


def test_an_entry_holding_another_sentence_is_not_played(cache: PromptCache) -> None:
    cache.prepare(["One.", "Two."])
    cache.path_for("One.").write_bytes(cache.path_for("Two.").read_bytes())
    assert cache.get("One.") is None


def test_prepare_stops_early_when_asked(cache: PromptCache) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 2:
            stop.set()

    result = cache.prepare(PROMPTS, stop=stop, progress=progress)
    assert result.rendered == 2 and seen == [1, 2]
    assert cache.size_bytes() > 0


def test_size_counts_the_entries(cache: PromptCache) -> None:
    assert cache.size_bytes() == 0
    cache.prepare(["One."])
    assert cache.size_bytes() == cache.path_for("One.").stat().st_size

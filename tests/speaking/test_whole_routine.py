"""Done when: the whole routine can be spoken from the cache that `voices prepare` fills."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.speech.prompt_cache import PromptCache
from assistant.speech.tts import Voice

pytestmark = pytest.mark.integration


def test_every_sentence_of_a_full_routine_is_a_cache_hit(
    voice: Voice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_config = tmp_path / "config.toml"
    empty_config.write_text("", encoding="utf-8")
    cache_dir = tmp_path / "cache"
    assert main(["voices", "prepare", "--config", str(empty_config), "--cache-dir", str(cache_dir)]) == 0
    capsys.readouterr()
    assert main(["simulate", "--event", "0:start my foot stretches", "--json"]) == 0
    timeline = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    said = [entry["text"] for entry in timeline if entry["type"] == "say"]
    assert len(said) > 50
    cache = PromptCache(voice, cache_dir)
    missing = [text for text in dict.fromkeys(said) if cache.get(text) is None]
    assert missing == []
    assert main(["voices", "prepare", "--config", str(empty_config), "--cache-dir", str(cache_dir)]) == 0
    assert "0 rendered" in capsys.readouterr().out

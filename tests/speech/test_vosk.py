"""The vosk adapter for real on the Korean model (the English model takes the same path)."""

from __future__ import annotations

import json

import pytest

from assistant.speech.backends import Decoded
from assistant.speech.backends.vosk import VoskDecoder, parse_result
from assistant.speech.listener import CommandListener, phrase_table
from assistant.errors import ModelError
from assistant.speech.intents import spoken_forms
from benchmarks import speechset

KOREAN = phrase_table([("안녕하세요", "start_routine"), ("감사합니다", "stop"), ("잠깐", "pause"), ("다음", "next")])


@pytest.mark.integration
def test_korean_commands_stream_through_a_grammar(ko_model) -> None:
    texts = ["안녕하세요", "감사합니다", "다음", "잠깐", "오늘 날씨가 정말 좋네요 산책하러 갈까요"]
    audio, placed = speechset.scene([(t, speechset.espeak(t, "ko", 150)) for t in texts])
    with CommandListener(VoskDecoder(ko_model), KOREAN) as listener:
        heard = []
        for offset in range(0, len(audio), 1600):
            heard += listener.feed(audio[offset: offset + 1600])
        heard += listener.flush()
    assert [(h.text, h.intent.name) for h in heard] == [
        ("안녕하세요", "start_routine"), ("감사합니다", "stop"), ("다음", "next"), ("잠깐", "pause")]
    for command, spoken in zip(heard, placed):
        assert abs(command.start - spoken.start) < 0.4 and abs(command.end - spoken.end) < 0.4


@pytest.mark.integration
def test_partial_results_grow_while_speaking(ko_model) -> None:
    decoder = VoskDecoder(ko_model)
    decoder.set_phrases(["안녕하세요", "감사합니다"])
    decoder.start()
    audio = speechset.espeak("감사합니다", "ko", 150)
    partials = []
    for offset in range(0, len(audio), 1600):
        decoder.accept(audio[offset: offset + 1600].tobytes())
        partials.append(decoder.partial())
    result = decoder.finish()
    decoder.close()
    decoder.close()
    assert partials[0] == "" and partials[-1].startswith("감사합니다")
    assert result.text == "감사합니다" and 0.5 < result.confidence <= 1.0


@pytest.mark.integration
def test_a_dropped_utterance_leaves_nothing_behind(ko_model) -> None:
    decoder = VoskDecoder(ko_model)
    decoder.set_phrases(["안녕하세요", "감사합니다"])
    decoder.start()
    decoder.accept(speechset.espeak("감사합니다", "ko", 150).tobytes())
    heard_before = decoder.partial()
    decoder.drop()
    forgotten = decoder.partial()
    decoder.start()
    decoder.accept(speechset.espeak("안녕하세요", "ko", 150).tobytes())
    result = decoder.finish()
    decoder.close()
    assert heard_before.startswith("감사합니다") and forgotten == ""
    assert result.text == "안녕하세요"


def test_result_with_unknown_words_is_not_a_command() -> None:
    result = json.dumps({"result": [{"word": "pause", "conf": 1.0}, {"word": "[unk]", "conf": 0.9}],
                         "text": "pause [unk]"})
    assert parse_result([result], spoken_forms({"pause"})).text == ""


def test_confidence_is_the_least_sure_word_across_segments() -> None:
    first = json.dumps({"result": [{"word": "how", "conf": 0.9}], "text": "how"})
    last = json.dumps({"result": [{"word": "much", "conf": 0.7}, {"word": "longer", "conf": 1.0}],
                       "text": "much longer"})
    decoded = parse_result([first, last], spoken_forms({"how much longer"}))
    assert (decoded.text, decoded.confidence) == ("how much longer", 0.7)


def test_a_contraction_is_heard_as_its_phrase() -> None:
    said = json.dumps({"result": [{"word": "what's", "conf": 0.8}, {"word": "next", "conf": 1.0}],
                       "text": "what's next"})
    assert parse_result([said], spoken_forms({"what is next"})) == Decoded("what is next", 0.8)


def test_missing_model_says_how_to_get_one(tmp_path) -> None:
    with pytest.raises(ModelError, match="footstretch models fetch vosk-model-small-en-us-0.15"):
        VoskDecoder(tmp_path / "nothing")

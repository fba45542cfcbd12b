"""Text to intent: natural phrasings in, near misses out."""

import pytest

from assistant.routine import default_routine
from assistant.speech.intents import IntentParser, normalize, spoken_forms

PARSER = IntentParser(default_routine())


@pytest.mark.parametrize(
    "text, intent",
    [
        ("Start my foot stretches", "start_routine"),
        ("okay, let's begin", "start_routine"),
        ("Pause.", "pause"),
        ("wait", "pause"),
        ("hold on", "pause"),
        ("hang on please", "pause"),
        ("keep going", "resume"),
        ("Continue", "resume"),
        ("carry on", "resume"),
        ("skip", "next"),
        ("next one", "next"),
        ("go back", "previous"),
        ("repeat that", "repeat"),
        ("say that again please", "repeat"),
        ("stop", "stop"),
        ("I'm done", "stop"),
        ("cancel", "stop"),
        ("that's enough", "stop"),
        ("How much time is left?", "time_left"),
        ("how much longer", "time_left"),
        ("what's next", "whats_next"),
        ("help", "help"),
        ("what can I say", "help"),
        ("Ouch!", "pain"),
        ("that hurts", "pain"),
    ],
)
def test_natural_phrasings(text, intent):
    parsed = PARSER.parse(text)
    assert parsed is not None and parsed.name == intent
    assert parsed.text == text


@pytest.mark.parametrize(
    "text, stretch",
    [
        ("start ankle circles", "ankle_circles"),
        ("let's do the towel stretch", "towel_stretch"),
        ("tennis ball", "foot_massage"),
        ("start toe walking", "toe_walk"),
        ("do the heel stretch", "heel_stretch"),
        ("begin the toe stretch", "toe_stretch"),
    ],
)
def test_stretches_by_their_aliases(text, stretch):
    parsed = PARSER.parse(text)
    assert parsed.name == "start_stretch" and parsed.slots == {"stretch": stretch}


@pytest.mark.parametrize(
    "text",
    ["pause the movie", "go back to sleep", "start the car", "stop it you two", "", "   ",
     "I walked on my toes yesterday", "next week we should stretch", "can you wait for me downstairs"],
)
def test_a_command_is_the_whole_utterance(text):
    assert PARSER.parse(text) is None


def test_normalize_expands_contractions_and_drops_filler():
    assert normalize("OK, what's next now?") == "what is next"
    assert normalize("Hey coach, pause please!") == "pause"


def test_a_phrase_is_listened_for_with_its_contractions_too():
    forms = spoken_forms(["let us do my foot stretches", "that is too much", "stop"])
    assert forms["let's do my foot stretches"] == "let us do my foot stretches"
    assert forms["that's too much"] == forms["that is too much"] == "that is too much"
    assert [said for said, phrase in forms.items() if phrase == "stop"] == ["stop"]


def test_every_intent_has_several_phrasings():
    counts = {}
    for intent in PARSER.phrases().values():
        counts[intent.name] = counts.get(intent.name, 0) + 1
    assert all(count >= 3 for count in counts.values()) and len(counts) == 12


def test_a_bare_stretch_name_is_understood_typed_but_not_listened_for():
    spoken = PARSER.spoken_phrases()
    assert PARSER.parse("towel stretch").stretch == "towel_stretch"
    assert "towel stretch" not in spoken and "the heel" not in spoken
    assert spoken["do the towel stretch"].stretch == "towel_stretch"
    assert spoken["foot stretches"].name == "start_routine", "only stretch names are left out"


def test_ow_is_understood_typed_but_not_listened_for():
    assert PARSER.parse("ow").name == "pain" and PARSER.parse("ow ow").name == "pain"
    spoken = PARSER.spoken_phrases()
    assert "ow" not in spoken and "ow ow" not in spoken and spoken["ouch"].name == "pain"


def test_what_did_you_say_is_understood_typed_but_a_repeat_is_listened_for_in_other_words():
    assert PARSER.parse("what did you say").name == "repeat"
    spoken = PARSER.spoken_phrases()
    assert "what did you say" not in spoken
    assert spoken["say that again"].name == "repeat" and spoken["repeat"].name == "repeat"


def test_go_on_is_understood_typed_but_resuming_is_listened_for_in_other_words():
    assert PARSER.parse("go on").name == "resume"
    spoken = PARSER.spoken_phrases()
    assert "go on" not in spoken
    assert spoken["continue"].name == "resume" and spoken["carry on"].name == "resume"


def test_the_words_people_say_around_a_command_are_listened_for():
    spoken = PARSER.spoken_phrases()
    assert spoken["please pause"].name == "pause" and spoken["okay pause"].name == "pause"
    assert "repeat that please" not in spoken, "a word after a command let near misses in"
    assert spoken["could you repeat that"].name == "repeat" and spoken["can you skip"].name == "next"
    assert spoken["please how much time is left"].name == "time_left"
    assert "can you how much time is left" not in spoken, "can you asks for an action"
    assert "okay do the towel stretch" not in spoken, "a stretch is asked for with its verbs"
    assert all(PARSER.parse(phrase) == intent for phrase, intent in spoken.items()), "heard is understood"


def test_a_stretch_name_that_is_a_request_is_listened_for():
    spoken = PARSER.spoken_phrases()
    assert spoken["stretch my toes"].stretch == "toe_stretch"
    assert spoken["stretch my heels"].stretch == "heel_stretch"
    assert "stretch my heel" not in spoken and PARSER.parse("stretch my heel").stretch == "heel_stretch"
    assert spoken["let us start ankle circles"].stretch == "ankle_circles"
    assert "toes" not in spoken and "towel" not in spoken

"""Commands heard end to end: synthesized speech through VAD and the real decoders."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from assistant.coach.machine import listening_in
from assistant.coach.messages import State
from assistant.routine.model import default_routine
from assistant.speech.intents import Intent, IntentParser, normalize
from assistant.speech.listener import CommandListener, open_decoder, open_listener
from benchmarks import speechset


def _feed(listener, audio: np.ndarray):
    heard = []
    for offset in range(0, len(audio), 1600):
        heard += listener.feed(audio[offset: offset + 1600])
    return heard + listener.flush()


@pytest.mark.integration
def test_pocketsphinx_hears_commands_and_ignores_talk_around_them(commands_scene) -> None:
    audio, placed = commands_scene
    with open_listener("pocketsphinx") as listener:
        heard = _feed(listener, audio)
    said = {spoken.text: spoken for spoken in placed}
    intents = [(h.intent.name, h.text) for h in heard]
    assert ("time_left", "how much longer") in intents
    assert ("next", "skip this one") in intents
    assert ("resume", "i am ready") in intents
    assert ("whats_next", "what is next") in intents
    assert not any(h.intent.name == "pause" for h in heard), "pause the movie is not a command"
    for command in heard:
        nearest = min(placed, key=lambda s: abs(s.start - command.start))
        assert abs(command.start - nearest.start) < 0.4 and abs(command.end - nearest.end) < 0.4
    assert said["how much longer"].end <= [h for h in heard if h.text == "how much longer"][0].end + 0.1


@pytest.mark.integration
def test_listen_for_restricts_what_is_heard(commands_scene) -> None:
    audio, _ = commands_scene
    with open_listener("pocketsphinx") as listener:
        listener.listen_for(frozenset({"time_left"}))
        only = _feed(listener, audio)
        listener.reset()
        listener.listen_for(None)
        everything = _feed(listener, audio)
    assert [h.intent.name for h in only] == ["time_left"]
    assert len(everything) > 1


@pytest.mark.integration
def test_an_utterance_cut_off_by_a_reset_is_dropped_and_the_next_is_heard() -> None:
    """The coach starts speaking halfway through "how much longer": nothing of it is acted on,
    and the "what's next" said after the coach is heard on its own."""
    cut, placed = speechset.scene([("how much longer", speechset.piper("how much longer"))], gap=1.0)
    middle = int((placed[0].start + placed[0].end) / 2 * speechset.RATE)
    after, _ = speechset.scene([("what's next", speechset.piper("what's next"))], gap=1.0)
    with open_listener("pocketsphinx") as listener:
        before = listener.feed(speechset.mix(cut, 30)[:middle])
        listener.reset()
        heard = _feed(listener, speechset.mix(after, 30))
    assert before == []
    assert [(h.intent.name, h.text) for h in heard] == [("whats_next", "what is next")]


@pytest.mark.integration
def test_long_prose_read_aloud_gives_few_commands() -> None:
    clips = [(s, speechset.espeak(s, "en-us", 170)) for s in speechset.sentences(speechset.article())[:15]]
    audio, _ = speechset.scene(clips, gap=0.6)
    with open_listener("pocketsphinx") as listener:
        heard = _feed(listener, speechset.mix(audio, 30))
    minutes = len(audio) / speechset.RATE / 60
    assert len(heard) <= max(1, round(minutes)), [h.text for h in heard]



@pytest.mark.parametrize("root", ["/srv/footstretch", "/tmp/data"])
def test_models_live_under_the_data_root(monkeypatch, root: str) -> None:
    from pathlib import Path

    from assistant.speech.listener import data_dir, default_vosk_model_dir

    monkeypatch.setenv("FOOTSTRETCH_DATA_DIR", root)
    assert data_dir() == Path(root) / "models"
    assert default_vosk_model_dir() == Path(root) / "models" / "vosk-model-small-en-us-0.15"


@pytest.mark.integration
def test_commands_are_heard_with_a_fan_running_all_the_time() -> None:
    """A fan 10 dB under the voice, never stopping: without noise suppression the endpointer
    hears one endless utterance and no command at all."""
    texts = ["how much longer", "skip this one", "go back", "i'm ready", "what's next", "repeat that"]
    clips = [(text, speechset.piper(text)) for text in texts]
    audio, _ = speechset.scene(clips, gap=2.5)
    loudness = speechset.active_rms(np.concatenate([clip for _, clip in clips]))
    fan = speechset.mix(audio, 10, seed=5, speech_rms=loudness)
    with open_listener("pocketsphinx") as listener:
        heard = _feed(listener, fan)
    assert all(h.end - h.start < 2.5 for h in heard), "every utterance ended"
    right = {h.text for h in heard} & {"how much longer", "skip this one", "go back", "i am ready", "what is next", "repeat that"}
    assert len(right) >= 4, [h.text for h in heard]


@pytest.mark.integration
def test_short_commands_whose_last_word_a_fan_covers_are_heard() -> None:
    """The spectral suppressor let a fan 10 dB under the voice cover the ends of short commands
    ("hold on" read as "old war"): it heard 3 of these 12; RNNoise hears most of them."""
    texts = ["hold on", "move on", "time left", "hang on", "how long left", "give me a minute"]
    right = 0
    for pace in (1.0, 1.2):
        clips = [(text, speechset.piper(text, length_scale=pace)) for text in texts]
        audio, _ = speechset.scene(clips, gap=2.5)
        loudness = speechset.active_rms(np.concatenate([clip for _, clip in clips]))
        with open_listener("pocketsphinx") as listener:
            heard = _feed(listener, speechset.mix(audio, 10, seed=5, speech_rms=loudness))
        right += len({h.text for h in heard} & set(texts))
    assert right >= 7


@pytest.mark.integration
@pytest.mark.parametrize(("quiet", "heard_it"), [(0.3, False), (1.0, True)])
def test_a_command_must_follow_a_moment_of_quiet(quiet: float, heard_it: bool) -> None:
    """ "how much longer" right on the heels of other talk is part of that talk; after a pause it is a command."""
    audio, _ = speechset.scene([("talk", speechset.piper("the weather is nice today")),
                                ("command", speechset.piper("how much longer"))], gap=quiet)
    with open_listener("pocketsphinx") as listener:
        heard = _feed(listener, speechset.mix(audio, 30))
    assert [h.intent.name for h in heard] == (["time_left"] if heard_it else [])


@pytest.mark.integration
def test_a_command_must_be_followed_by_quiet() -> None:
    """ "Go on, read it out": the comma's pause ends an utterance that reads "go on", but talk
    follows within a quarter of a second. Before the quiet after was awaited, 7 of these 8 were
    heard; awaiting 240 ms (30 ms frames), 1 or none; awaiting 200 ms, for the latency target,
    3: "Help, I'm stuck in here" at both paces and one "Go on". The service no longer listens for
    "go on" (intents.NOT_LISTENED_FOR); this listener does, to test the wait on the commonest case."""
    phrases = {**IntentParser(default_routine()).spoken_phrases(), "go on": Intent("resume")}
    lines = {"Go on, read it out.": "go on", "Skip it, honestly.": "skip it",
             "Go on, into your basket.": "go on", "Help, I'm stuck in here.": "help"}
    intents = {"go on": "resume", "skip it": "next", "help": "help"}
    in_talk, alone = [], []
    for pace in (1.0, 1.1):
        for said, heard in ((list(lines), in_talk), (list(lines.values()), alone)):
            audio, _ = speechset.scene([(text, speechset.piper(text, length_scale=pace)) for text in said], gap=1.5)
            with CommandListener(open_decoder("pocketsphinx"), phrases) as listener:
                heard += [h.intent.name for h in _feed(listener, speechset.mix(audio, 30))]
    assert len(in_talk) <= 3, in_talk
    assert sorted(alone) == sorted([intents[text] for text in lines.values()] * 2)


@pytest.mark.integration
def test_a_command_is_acted_on_soon_after_the_person_stops_speaking() -> None:
    """Counted in audio, not in wall-clock time: how much of the stream after the end of speech the
    listener takes in before it returns the command, fed in the microphone's blocks over a quiet
    fan. The decoder's own time comes on top (benchmarks/README-recognition.md). Awaiting 240 ms
    of quiet after a command, the median was 0.32 s, with 10 ms frames and blocks as with 30 ms."""
    from assistant.audio.capture import BLOCK_SECONDS

    block = int(BLOCK_SECONDS * speechset.RATE)
    delays = []
    with open_listener("pocketsphinx") as listener:
        for text in ["pause", "how much longer", "skip this one", "go back", "what's next", "stop"]:
            audio, placed = speechset.scene([(text, speechset.piper(text))], gap=1.0)
            audio = speechset.mix(audio, 30)
            for offset in range(0, len(audio), block):
                if listener.feed(audio[offset: offset + block]):
                    delays.append((offset + block) / speechset.RATE - placed[0].end)
                    break
            listener.reset()
    assert len(delays) == 6
    assert statistics.median(delays) <= 0.3, delays


@pytest.mark.integration
def test_a_stretch_is_asked_for_with_a_verb_not_its_bare_name() -> None:
    """A bare name ("stretching with a towel") is mostly a piece of other talk; "do the towel stretch" is a request."""
    texts = ["stretching with a towel", "do the towel stretch"]
    audio, _ = speechset.scene([(text, speechset.piper(text)) for text in texts], gap=1.5)
    with open_listener("pocketsphinx") as listener:
        heard = _feed(listener, speechset.mix(audio, 30))
    assert [(h.intent.name, h.intent.stretch, h.text) for h in heard] == [
        ("start_stretch", "towel_stretch", "do the towel stretch")]


NEAR_MISSES = ["start the car", "stop talking", "repeat after me", "how much is the ticket",
               "start the dishwasher", "how much was it", "what's on next", "start the engine"]
"""Talk that sounds like a command: before the margin over the free reading, normal hearing took
every one of these, said by piper or espeak-ng, for a command in the recognition benchmark."""
CLEAR_COMMANDS = ["how much longer", "skip this one", "go back", "start my stretches"]


def _commands_between_near_misses(say, commands: list[str]) -> dict[str, list[str]]:
    """What each strictness hears of `commands`, each followed by a near miss, over a quiet fan."""
    texts = [text for pair in zip(commands, NEAR_MISSES) for text in pair]
    audio, _ = speechset.scene([(text, say(text)) for text in texts], gap=1.5)
    heard = {}
    for strictness in ("normal", "strict"):
        with open_listener("pocketsphinx", strictness=strictness) as listener:
            heard[strictness] = [h.text for h in _feed(listener, speechset.mix(audio, 30))]
    return heard


@pytest.mark.integration
def test_near_misses_are_talk_and_the_commands_between_them_are_heard() -> None:
    """ "start the car" is not "start the toe walk", nor "how much was it" "how much longer", in either strictness.

    One command may be missed: pocketsphinx's dither alone moves a short word's margin over the
    free reading by several units (five decodings of one "pause": four read it, 3.2 to 6.6 over
    the free reading, one read "thought"), and with 10 ms endpointer frames this "pause" fell under it."""
    commands = [*CLEAR_COMMANDS, "what's next", "pause", "repeat that", "stop"]
    heard = _commands_between_near_misses(speechset.piper, commands)
    expected = [normalize(command) for command in commands]
    for strictness, said in heard.items():
        assert [text for text in expected if text in said] == said, (strictness, said)
        assert len(said) >= len(expected) - 1, (strictness, said)


@pytest.mark.integration
def test_a_robotic_voices_near_misses_are_talk_and_its_commands_are_heard() -> None:
    """espeak-ng's formant voice fits commands better than ordinary English, so its near misses
    clear the margin over the free reading ("repeat after me" as "repeat that"); that the free
    reading's words fit the audio far better when both are aligned turns them down."""
    heard = _commands_between_near_misses(lambda text: speechset.espeak(text, "en-us", 140), CLEAR_COMMANDS)
    for strictness, said in heard.items():
        assert said == CLEAR_COMMANDS, (strictness, said)


@pytest.mark.integration
@pytest.mark.parametrize("strictness", ["normal", "strict"])
def test_a_one_word_command_said_alone_is_heard(strictness: str) -> None:
    """The free pass hears a short word alone as another ("aunts" for "pause"), so phone agreement
    says little about it; a one-word command that clearly beats the free reading is a command.
    Judged by agreement and margin like a phrase, 11 or 12 of these 18 were heard; also taking
    any word alone that agreed to 0.4 heard 15 or more, but took "thanks" in talk for "next"."""
    words = ["pause", "quit", "skip", "unpause", "cancel", "continue"]
    heard = []
    for pace in (0.8, 1.0, 1.2):
        audio, _ = speechset.scene([(word, speechset.piper(word, length_scale=pace)) for word in words], gap=2.0)
        with open_listener("pocketsphinx", strictness=strictness) as listener:
            heard += [h.text for h in _feed(listener, speechset.mix(audio, 30))]
    assert set(heard) <= set(words), heard
    assert len(heard) >= 14, heard


@pytest.mark.integration
def test_a_word_alone_misread_as_one_longer_word_is_heard() -> None:
    """Said slowly, "resume" is "brazilian" to the free pass, a word of 9 phones against the
    command's 5, though "resume" fits far better. Taken for talk that starts like a command,
    it was not heard. Talk that starts like a command ("cancel the order") is still talk
    (test_near_misses_are_talk_and_the_commands_between_them_are_heard)."""
    audio, _ = speechset.scene([("resume", speechset.piper("resume", length_scale=1.3))], gap=2.0)
    with open_listener("pocketsphinx") as listener:
        heard = [h.intent.name for h in _feed(listener, speechset.mix(audio, 30))]
    assert heard == ["resume"]


@pytest.mark.integration
@pytest.mark.parametrize("strictness", ["normal", "strict"])
def test_a_command_said_with_a_contraction_is_heard(strictness: str) -> None:
    """People say "what's next", not "what is next". Held to the expanded words, the grammar read
    the shorter sound as common words: 21 (normal) and 14 (strict) of these 24 were heard."""
    said = ["that's enough", "what's next", "let's go", "i'm done", "i'm ready", "it's painful",
            "that's too much", "let's begin"]
    heard = []
    for pace in (0.8, 1.0, 1.2):
        audio, _ = speechset.scene([(text, speechset.piper(text, length_scale=pace)) for text in said], gap=2.0)
        with open_listener("pocketsphinx", strictness=strictness) as listener:
            heard += [h.text for h in _feed(listener, speechset.mix(audio, 30))]
    assert set(heard) <= {normalize(text) for text in said}, heard
    assert len(heard) >= 22, heard


def test_the_talk_words_are_what_the_script_makes_from_the_installed_model() -> None:
    """Strict hearing's word list must match the language model it was ranked by; rerun the script if not."""
    import importlib.util
    from pathlib import Path

    from assistant.speech.backends.pocketsphinx import talk_words

    script = Path(__file__).resolve().parents[2] / "scripts" / "make_talk_words.py"
    spec = importlib.util.spec_from_file_location("make_talk_words", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert talk_words() == module.ranked_words()
    assert len(talk_words()) == 3000 and talk_words()[:3] == ["the", "to", "i"]


@pytest.mark.integration
def test_commands_said_with_the_words_people_put_around_them_are_heard() -> None:
    """ "please pause" was never heard: typed, the parser drops "please"; heard, the whole utterance
    must be a grammar path, and there was none with "please". Said by a voice that is not the coach's."""
    said = ["please pause", "could you repeat that", "okay skip", "can you go back", "begin my foot stretches",
            "stretch my toes", "let's start stretching", "okay stop"]
    heard = []
    for voice in ("en-us+m3", "en-gb"):
        audio, _ = speechset.scene([(text, speechset.espeak(text, voice, 150)) for text in said], gap=2.0)
        with open_listener("pocketsphinx") as listener:
            heard += [(h.intent.name, h.intent.stretch) for h in _feed(listener, speechset.mix(audio, 30))]
    wanted = {("pause", None), ("repeat", None), ("next", None), ("previous", None), ("start_routine", None),
              ("start_stretch", "toe_stretch"), ("stop", None)}
    assert set(heard) <= wanted, heard
    assert len(heard) >= 12, heard


def _paths(arcs: list[tuple[int, str, int]], at: int = 0) -> set[tuple[str, ...]]:
    """Every word sequence from state `at` to the end (state 1)."""
    if at == 1:
        return {()}
    return {(word, *rest) for start, word, to in arcs if start == at for rest in _paths(arcs, to)}


def test_the_grammar_says_every_command_and_nothing_else_in_a_graph_a_tenth_the_size() -> None:
    from assistant.speech.backends.pocketsphinx import word_graph
    from assistant.speech.intents import IntentParser, spoken_forms

    said = sorted(spoken_forms(frozenset(IntentParser(default_routine()).spoken_phrases())))
    arcs, states = word_graph(phrase.split() for phrase in said)
    assert _paths(arcs) == {tuple(phrase.split()) for phrase in said}
    assert all(0 <= at < states and 0 < to < states for at, _, to in arcs)
    # Phrases share their beginnings and ends: far fewer arcs, each of which costs phone models.
    assert len(arcs) * 5 < sum(len(phrase.split()) for phrase in said)


@pytest.mark.integration
def test_a_stretch_named_with_a_word_the_language_model_does_not_know_is_heard() -> None:
    # "Oakleaf" is in the dictionary but not in the language model, whose words alone the free
    # pass keeps in memory: the grammar still learns it from the full dictionary.
    phrases = {**IntentParser(default_routine()).spoken_phrases(), "start the oakleaf roll": Intent("start_routine")}
    audio, _ = speechset.scene([("start the oakleaf roll", speechset.piper("start the oakleaf roll"))], gap=1.0)
    with CommandListener(open_decoder("pocketsphinx"), phrases) as listener:
        heard = _feed(listener, speechset.mix(audio, 30))
    assert [(h.text, h.intent.name) for h in heard] == [("start the oakleaf roll", "start_routine")]


@pytest.mark.integration
def test_each_state_hears_every_command_it_wants_as_often_as_listening_for_everything() -> None:
    """One command for each intent of the tuning split, said by the dev set's piper and espeak-ng
    voices: in every state's listening set (`Coach.listening_for`), each command the state wants is
    heard at least as often as with every command listened for, and nothing else is reported. The
    same audio is the same command wherever it is wanted (issue 26): a grammar for each state's
    set, or decoding only what a state wants, would break that."""
    parser = IntentParser(default_routine())
    split = speechset.splits()["tuning"]
    texts = list({parser.parse(text).name: text for text in split.commands}.values())
    states = {listening_in(state) for state in State}
    for label, speak in speechset.readers(split)[::3]:
        audio, placed = speechset.scene([(text, speak(text)) for text in texts], gap=1.0)
        audio = speechset.mix(audio, 30)

        def heard(listening: frozenset[str] | None) -> set[str]:
            with open_listener("pocketsphinx") as listener:
                listener.listen_for(listening)
                commands = _feed(listener, audio)
            assert listening is None or {c.intent.name for c in commands} <= listening, (label, commands)
            return {spoken.text for spoken in placed for c in commands
                    if abs(c.start - spoken.start) < 0.5 and c.intent == parser.parse(spoken.text)}

        everything = heard(None)
        assert len(everything) >= len(texts) // 2, (label, everything)
        for listening in states:
            wanted = {text for text in everything if parser.parse(text).name in listening}
            assert wanted <= heard(listening), (label, sorted(listening))

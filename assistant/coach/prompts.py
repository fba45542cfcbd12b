"""Every sentence the coach says, built in one place.

Every sentence is listed in advance by `all_prompts`, even the answers to
"how much time is left" (one sentence per second of a hold, one per rounded
duration of the routine), so the voice renders them once into the prompt
cache and the service never has to load the voice model to speak.
"""

from __future__ import annotations

from assistant.coach.words import duration_words, number_words, ordinal_count, seconds_words
from assistant.routine import Routine, Stretch

STARTING_NOW = "Starting now."
COUNTDOWN_LONG = 5
"""Holds of twenty seconds or more count down the last five seconds aloud."""
COUNTDOWN_SHORT = 3

WELCOME = "Let's do your foot stretches. Take your time, and stop if anything hurts."
PAUSED = "Paused. Say continue, or press the button, when you're ready."
ALREADY_PAUSED = "We're paused. Say continue when you're ready, or stop to finish."
RESUMED = "Carrying on."
STOPPED = "Okay, stopping here. Well done for what you did."
EASE_OUT = (
    "Ease out of the stretch slowly, and rest. "
    "Say continue when you're ready for the next one, or stop to finish."
)
REST_A_MOMENT = "Take it easy and rest as long as you need."
NOT_STARTED = "We haven't started. Say start my foot stretches whenever you like."
NOTHING_TO_CONTINUE = "There's nothing to continue. Say start my foot stretches to begin."
ALREADY_GOING = "We're already going. Say stop first if you want to start over."
NOT_HOLDING_YET = "This hold hasn't started yet."
SKIPPING = "Okay, skipping ahead."
GOING_BACK = "Okay, going back."
LAST_ONE = "This is the last one."
HELP_IDLE = (
    "Say start my foot stretches to do all six, "
    "or the name of one stretch, like start ankle circles."
)
HELP_ACTIVE = (
    "You can say pause, continue, skip, go back, repeat that, "
    "how much time is left, what's next, ouch, or stop."
)
NO_MICROPHONE = "I can't hear the microphone right now. The button still works."
MICROPHONE_BACK = "I can hear you again."
WELL_DONE_REST = "Good. Rest for a moment."
OKAY = "Okay."
NOTHING_TO_REPEAT = HELP_IDLE


def count_word(n: int) -> str:
    """A countdown number, capitalised as its own sentence ("Three.")."""
    return number_words(n).capitalize() + "."


def countdown_length(seconds: float) -> int:
    """How many of the last seconds of a hold are counted aloud."""
    return COUNTDOWN_LONG if seconds >= 20 else COUNTDOWN_SHORT


def side_phrase(stretch: Stretch, side: str | None) -> str:
    """"your left foot", or "" for a stretch that is not per side."""
    return f"your {side} {stretch.side_word}" if side else ""


def announce(stretch: Stretch, index: int, count: int) -> str:
    """The opening of a stretch: which one, what to have, how to get into position."""
    parts = [f"Stretch {ordinal_count(index + 1, count)}: {stretch.name}."]
    if stretch.needs:
        parts.append(f"You'll need {' and '.join(stretch.needs)}.")
    parts.append(stretch.position)
    return " ".join(parts)


def switch(stretch: Stretch, side: str) -> str:
    """The side switch ("Now your left foot. ...")."""
    return stretch.switch.format(side=side)


def ready(stretch: Stretch) -> str:
    """"Ready? Hold for thirty seconds."."""
    return f"Ready? Hold for {seconds_words(stretch.seconds)}."


def next_round(rep: int, reps: int) -> str:
    """Between rounds on the same side."""
    return f"Relax. Round {ordinal_count(rep, reps)} next."


def finish(routine: Routine, stretch: Stretch | None) -> str:
    """The last words: the whole routine, or one stretch on its own."""
    if stretch is None:
        return routine.finish
    return f"That's {stretch.name} done. Well done."


def jump_to(stretch: Stretch) -> str:
    """Moving to a stretch asked for by name during a routine."""
    return f"Okay, {stretch.name}."


def offer_resume(stretch: Stretch, side: str | None) -> str:
    """After a restart: offer to pick up where the routine stopped."""
    where = f" on {side_phrase(stretch, side)}" if side else ""
    return (
        f"We stopped during {stretch.name}{where}. "
        "Say continue or press the button to pick up there, "
        "or say start my foot stretches to begin again."
    )


def whats_next_stretch(stretch: Stretch) -> str:
    """Answer to "what's next" when a new stretch follows."""
    return f"Next is {stretch.name}."


def whats_next_side(stretch: Stretch, side: str) -> str:
    """Answer to "what's next" when the other side follows."""
    return f"Next is {side_phrase(stretch, side)}."


def whats_next_round(rep: int, reps: int) -> str:
    """Answer to "what's next" when another round follows."""
    return f"Next is round {ordinal_count(rep, reps)}."


def time_left_here(seconds: float, per_side: bool) -> str:
    """"Twenty seconds left on this side."."""
    where = "on this side" if per_side else "on this one"
    return f"{seconds_words(max(1, round(seconds))).capitalize()} left {where}."


def time_left_total(seconds: float) -> str:
    """"About four minutes in the whole routine."."""
    return f"{duration_words(seconds).capitalize()} in the whole routine."


def idle_first(routine: Routine) -> str:
    """Answer to "what's next" while idle."""
    return f"Say start my foot stretches to begin. The first one is {routine.stretches[0].name}."


def all_prompts(routine: Routine) -> list[str]:
    """Every sentence the coach can say that is known in advance, without repeats."""
    texts = [
        WELCOME, STARTING_NOW, PAUSED, ALREADY_PAUSED, RESUMED, STOPPED, EASE_OUT,
        REST_A_MOMENT, NOT_STARTED, NOTHING_TO_CONTINUE, ALREADY_GOING, NOT_HOLDING_YET,
        SKIPPING, GOING_BACK, LAST_ONE, HELP_IDLE, HELP_ACTIVE, NO_MICROPHONE,
        MICROPHONE_BACK, WELL_DONE_REST, OKAY, routine.finish, idle_first(routine),
    ]
    texts += [count_word(n) for n in range(1, COUNTDOWN_LONG + 1)]
    longest_hold = max(round(s.seconds) for s in routine.stretches)
    texts += [time_left_here(n, per_side) for n in range(1, longest_hold + 1) for per_side in (True, False)]
    texts += [time_left_total(n) for n in range(5, round(routine.longest_seconds) + 60, 5)]
    count = len(routine.stretches)
    for index, stretch in enumerate(routine.stretches):
        texts += [announce(stretch, index, count), ready(stretch), finish(routine, stretch)]
        texts += [jump_to(stretch), whats_next_stretch(stretch), *stretch.cues]
        for side in stretch.side_names:
            if side:
                texts += [switch(stretch, side), whats_next_side(stretch, side)]
            texts.append(offer_resume(stretch, side))
        for rep in range(2, stretch.reps + 1):
            texts += [next_round(rep, stretch.reps), whats_next_round(rep, stretch.reps)]
    return list(dict.fromkeys(texts))

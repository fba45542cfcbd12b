"""The coach: a pure, deterministic state machine.

`handle(event, now)` takes an event and the time it happened and returns the
actions to carry out; `next_deadline()` says when to call again with `Tick`.
There is no clock and no I/O here, so the same code runs on the Pi, a thousand
times faster in `footstretch simulate`, and in every test.

Timing rule: speech never stretches a hold. Every phase is scheduled from the
scheduled end of the one before (not from when a tick happened to arrive), so
holds take exactly their seconds and a late tick never shifts the routine.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from assistant.coach import prompts
from assistant.coach.messages import (
    Action,
    Beep,
    ButtonGesture,
    Event,
    Gesture,
    Heard,
    HoldEnd,
    HoldStart,
    IntentHeard,
    Led,
    LedPattern,
    OfferResume,
    Paused,
    Problem,
    Resumed,
    RoutineEnd,
    RoutineStart,
    Say,
    State,
    Step,
    StretchDone,
    Tick,
)
from assistant.coach.words import speech_seconds
from assistant.routine import Routine
from assistant.speech.intents import Intent

PAUSE_TIMEOUT = 30 * 60.0
"""A pause (or a rest after "ouch") this long ends the session quietly: they fell asleep."""
OFFER_SECONDS = 10 * 60.0
"""How long the offer to continue an interrupted routine stands."""
SPEECH_MARGIN = 2.0
"""Seconds left after set-up words, to move into position."""

_ACTIVE = frozenset({State.SETUP, State.READY, State.HOLD, State.REST})
_IN_ROUTINE = _ACTIVE | {State.PAUSED, State.EASING}
_LISTEN = {
    State.IDLE: frozenset({"start_routine", "start_stretch", "help", "whats_next"}),
    State.OFFERING: frozenset({"resume", "start_routine", "start_stretch", "stop", "help"}),
    State.PAUSED: frozenset({
        "resume", "start_routine", "next", "previous", "repeat", "stop", "time_left",
        "whats_next", "help", "pain", "start_stretch",
    }),
    State.EASING: frozenset({
        "resume", "next", "previous", "repeat", "stop", "time_left", "whats_next",
        "help", "start_stretch",
    }),
}
_LISTEN_ACTIVE = frozenset({
    "pause", "next", "previous", "repeat", "stop", "time_left", "whats_next", "help",
    "pain", "start_stretch",
})


def listening_in(state: State) -> frozenset[str]:
    """The intents the coach listens for in `state`."""
    return _LISTEN.get(state, _LISTEN_ACTIVE)


_BUTTON_INTENTS = {Gesture.LONG: "stop", Gesture.DOUBLE: "next"}


@dataclass(frozen=True)
class Round:
    """One hold of the plan: a stretch, a side and a rep."""

    stretch: int
    side: str | None
    rep: int
    reps: int


def plan_rounds(routine: Routine, stretches: range) -> tuple[Round, ...]:
    """Every round of the given stretches, in order: right side first, reps within a side."""
    return tuple(
        Round(index, side, rep, routine.stretches[index].reps)
        for index in stretches
        for side in routine.stretches[index].side_names
        for rep in range(1, routine.stretches[index].reps + 1)
    )


class Coach:
    """Guides a person through the routine; see the module docstring."""

    def __init__(self, routine: Routine) -> None:
        self.routine = routine
        self.state = State.IDLE
        self._mode = "routine"
        self._rounds: tuple[Round, ...] = ()
        self._pos = 0
        self._agenda: list[tuple[float, int, str, tuple]] = []
        self._frozen: list[tuple[float, int, str, tuple]] = []
        self._seq = 0
        self._now = 0.0
        self._paused_at = 0.0
        self._paused_from = State.IDLE
        self._hold_ends_at: float | None = None
        self._last_instruction: str | None = None
        self._problems: set[str] = set()
        self._cut_short: set[int] = set()
        self._done: set[int] = set()
        self._offer: OfferResume | None = None

    # ---- the public surface ------------------------------------------------

    def handle(self, event: Event, now: float) -> list[Action]:
        """Take one event at time `now` and return what to do."""
        self._now = now = max(now, self._now)
        if isinstance(event, Tick):
            return self._run_due(now)
        if isinstance(event, Heard):
            out: list[Action] = [
                IntentHeard(event.intent.name, event.intent.slots, event.source, event.intent.text),
                Led(LedPattern.HEARD),
            ]
            return out + self._on_intent(event.intent, now)
        if isinstance(event, ButtonGesture):
            intent = Intent(self._button_intent(event.gesture))
            return [IntentHeard(intent.name, {}, "button", event.gesture.value)] + self._on_intent(
                intent, now
            )
        if isinstance(event, OfferResume):
            return self._on_offer(event, now)
        if isinstance(event, Problem):
            return self._on_problem(event)
        raise TypeError(f"not a coach event: {event!r}")

    def next_deadline(self) -> float | None:
        """When the coach next needs a `Tick`, or None when it is waiting for a person."""
        return self._agenda[0][0] if self._agenda else None

    def listening_for(self) -> frozenset[str]:
        """The intents that make sense now; others are answered kindly or ignored."""
        return listening_in(self.state)

    @property
    def current(self) -> tuple[str, str | None] | None:
        """The stretch id and side under way, or None when idle."""
        if self.state not in _IN_ROUTINE:
            return None
        now = self._rounds[self._pos]
        return self.routine.stretches[now.stretch].id, now.side

    # ---- agenda --------------------------------------------------------------

    def _at(self, when: float, name: str, *args: object) -> None:
        self._seq += 1
        self._agenda.append((when, self._seq, name, args))
        self._agenda.sort()

    def _run_due(self, now: float) -> list[Action]:
        out: list[Action] = []
        while self._agenda and self._agenda[0][0] <= now:
            when, _, name, args = self._agenda.pop(0)
            out += getattr(self, name)(when, *args)
        return out

    def _clear_agenda(self) -> None:
        self._agenda = []
        self._frozen = []

    # ---- intents ---------------------------------------------------------------

    def _button_intent(self, gesture: Gesture) -> str:
        if gesture in _BUTTON_INTENTS:
            return _BUTTON_INTENTS[gesture]
        if self.state == State.IDLE:
            return "start_routine"
        if self.state in (State.PAUSED, State.EASING, State.OFFERING):
            return "resume"
        return "pause"

    def _on_intent(self, intent: Intent, now: float) -> list[Action]:
        handler = getattr(self, f"_intent_{intent.name}")
        return handler(intent, now)

    def _intent_start_routine(self, intent: Intent, now: float) -> list[Action]:
        if self.state in (State.IDLE, State.OFFERING):
            return self._begin("routine", range(len(self.routine.stretches)), 0, now)
        if self.state == State.PAUSED:
            return self._resume(now)
        return [self._answer(prompts.ALREADY_GOING)]

    def _intent_start_stretch(self, intent: Intent, now: float) -> list[Action]:
        try:
            index = self.routine.index_of(intent.stretch or "")
        except ValueError:
            return [self._answer(prompts.HELP_IDLE)]
        if self.state in (State.IDLE, State.OFFERING):
            return self._begin("stretch", range(index, index + 1), 0, now)
        return self._jump(index, prompts.jump_to(self.routine.stretches[index]), now)

    def _intent_pause(self, intent: Intent, now: float) -> list[Action]:
        if self.state in _ACTIVE:
            return self._pause(now)
        if self.state in (State.PAUSED, State.EASING):
            return [self._answer(prompts.ALREADY_PAUSED)]
        return []

    def _intent_resume(self, intent: Intent, now: float) -> list[Action]:
        if self.state == State.PAUSED:
            return self._resume(now)
        if self.state == State.EASING:
            return self._unpause(now) + self._advance(now, after_hold=False)
        if self.state == State.OFFERING and self._offer is not None:
            return self._continue_offer(self._offer, now)
        if self.state == State.IDLE:
            return [self._answer(prompts.NOTHING_TO_CONTINUE)]
        return []

    def _intent_next(self, intent: Intent, now: float) -> list[Action]:
        if self.state not in _IN_ROUTINE:
            return []
        current = self._rounds[self._pos].stretch
        following = [r.stretch for r in self._rounds[self._pos:] if r.stretch != current]
        return self._jump(following[0] if following else None, prompts.SKIPPING, now)

    def _intent_previous(self, intent: Intent, now: float) -> list[Action]:
        if self.state not in _IN_ROUTINE:
            return []
        current = self._rounds[self._pos].stretch
        earlier = [r.stretch for r in self._rounds[: self._pos] if r.stretch != current]
        return self._jump(earlier[-1] if earlier else current, prompts.GOING_BACK, now)

    def _intent_repeat(self, intent: Intent, now: float) -> list[Action]:
        return [Say(self._last_instruction or prompts.NOTHING_TO_REPEAT, "answer")]

    def _intent_stop(self, intent: Intent, now: float) -> list[Action]:
        if self.state == State.OFFERING:
            self._offer = None
            self._clear_agenda()
            self.state = State.IDLE
            return [self._answer(prompts.OKAY), Led(LedPattern.IDLE)]
        if self.state not in _IN_ROUTINE:
            return [self._answer(prompts.NOT_STARTED)]
        out = self._cut_hold()
        self._clear_agenda()
        self.state = State.IDLE
        return out + [
            Say(prompts.STOPPED, "answer", urgent=True),
            self._led(),
            RoutineEnd(completed=False, reason="stopped"),
        ]

    def _intent_time_left(self, intent: Intent, now: float) -> list[Action]:
        if self.state not in _IN_ROUTINE:
            return [self._answer(prompts.NOT_STARTED)]
        left_here = self._hold_left(now)
        total = self._projected_end(now) - now
        if left_here is None:
            here = prompts.NOT_HOLDING_YET
        else:
            here = prompts.time_left_here(left_here, per_side=self._rounds[self._pos].side is not None)
        return [self._answer(here), self._answer(prompts.time_left_total(total))]

    def _intent_whats_next(self, intent: Intent, now: float) -> list[Action]:
        if self.state not in _IN_ROUTINE:
            return [self._answer(prompts.idle_first(self.routine))]
        if self._pos + 1 >= len(self._rounds):
            return [self._answer(prompts.LAST_ONE)]
        here, then = self._rounds[self._pos], self._rounds[self._pos + 1]
        stretch = self.routine.stretches[then.stretch]
        if then.stretch != here.stretch:
            return [self._answer(prompts.whats_next_stretch(stretch))]
        if then.side != here.side and then.side:
            return [self._answer(prompts.whats_next_side(stretch, then.side))]
        return [self._answer(prompts.whats_next_round(then.rep, then.reps))]

    def _intent_help(self, intent: Intent, now: float) -> list[Action]:
        text = prompts.HELP_ACTIVE if self.state in _IN_ROUTINE else prompts.HELP_IDLE
        return [self._answer(text)]

    def _intent_pain(self, intent: Intent, now: float) -> list[Action]:
        if self.state not in _IN_ROUTINE:
            return [self._answer(prompts.REST_A_MOMENT)]
        if self.state == State.EASING:
            return [self._answer(prompts.EASE_OUT)]
        out = self._cut_hold()
        self._clear_agenda()
        self._cut_short.add(self._rounds[self._pos].stretch)
        self.state = State.EASING
        self._paused_at = now
        self._at(now + PAUSE_TIMEOUT, "_abandon")
        return out + [Say(prompts.EASE_OUT, "answer", urgent=True), self._led()]

    # ---- the routine's phases ------------------------------------------------------

    def _begin(self, mode: str, stretches: range, pos: int, now: float, resumed: bool = False) -> list[Action]:
        self._clear_agenda()
        self._offer = None
        self._mode = mode
        self._rounds = plan_rounds(self.routine, stretches)
        self._pos = pos
        self._cut_short = set()
        self._done = set()
        first = self._rounds[pos]
        out: list[Action] = [
            RoutineStart(mode, self.routine.stretches[first.stretch].id, first.side, resumed=resumed),
        ]
        preface = prompts.WELCOME if mode == "routine" and pos == 0 else None
        return out + self._announce(now, preface)

    def _announce(self, at: float, preface: str | None = None) -> list[Action]:
        """Open the stretch of the current round with its set-up words."""
        here = self._rounds[self._pos]
        stretch = self.routine.stretches[here.stretch]
        texts = [prompts.announce(stretch, here.stretch, len(self.routine.stretches))]
        if here.side == "left":
            # Picking up on the left side after a restart: position first, then the switch.
            texts.append(prompts.switch(stretch, "left"))
        self.state = State.SETUP
        words = " ".join(([preface] if preface else []) + texts)
        self._at(at + max(stretch.setup_seconds, speech_seconds(words) + SPEECH_MARGIN), "_ready")
        out: list[Action] = [self._step()]
        if preface:
            out.append(Say(preface, "instruction"))
        return out + [self._instruct(text) for text in texts] + [self._led()]

    def _ready(self, at: float) -> list[Action]:
        stretch = self.routine.stretches[self._rounds[self._pos].stretch]
        self.state = State.READY
        self._at(at + self.routine.ready_seconds, "_hold_start")
        return [Say(prompts.ready(stretch), "cue"), self._led()]

    def _hold_start(self, at: float) -> list[Action]:
        here = self._rounds[self._pos]
        stretch = self.routine.stretches[here.stretch]
        seconds = stretch.seconds
        self.state = State.HOLD
        self._hold_ends_at = at + seconds
        counted = prompts.countdown_length(seconds)
        for n in range(counted, 0, -1):
            self._at(at + seconds - n, "_say", prompts.count_word(n), "count")
        for offset, cue in self._cue_times(seconds, counted, stretch.cues):
            self._at(at + offset, "_say", cue, "cue")
        self._at(at + seconds, "_hold_end")
        return [
            Say(prompts.STARTING_NOW, "cue"),
            Beep("start"),
            HoldStart(stretch.id, here.side, here.rep, seconds),
            Led(LedPattern.HOLD, seconds),
        ]

    @staticmethod
    def _cue_times(seconds: float, counted: int, cues: tuple[str, ...]) -> list[tuple[float, str]]:
        """The first cue at halfway, the rest spread before the countdown, 5 s apart at least."""
        if not cues or seconds / 2 >= seconds - counted:
            return []
        start, stop = seconds / 2, seconds - counted - 1
        fits = min(len(cues), 1 + int((stop - start) // 5))
        step = (stop - start) / max(1, fits - 1)
        return [(start + i * step, cues[i]) for i in range(fits)]

    def _say(self, at: float, text: str, kind: str) -> list[Action]:
        return [Say(text, kind)]

    def _hold_end(self, at: float) -> list[Action]:
        here = self._rounds[self._pos]
        stretch = self.routine.stretches[here.stretch]
        self._hold_ends_at = None
        out: list[Action] = [Beep("end"), HoldEnd(stretch.id, here.side, here.rep, completed=True)]
        last_of_stretch = self._pos + 1 >= len(self._rounds) or self._rounds[self._pos + 1].stretch != here.stretch
        if last_of_stretch and here.stretch not in self._cut_short:
            self._done.add(here.stretch)
            out.append(StretchDone(stretch.id))
        return out + self._advance(at, after_hold=True)

    def _advance(self, at: float, after_hold: bool) -> list[Action]:
        """Move to the round after the current one: next rep, other side, next stretch, or the end."""
        here = self._rounds[self._pos]
        if self._pos + 1 >= len(self._rounds):
            return self._finish()
        self._pos += 1
        then = self._rounds[self._pos]
        stretch = self.routine.stretches[then.stretch]
        if then.stretch != here.stretch:
            self.state = State.REST
            self._at(at + (self.routine.rest_seconds if after_hold else 0), "_announce")
            return [Say(prompts.WELL_DONE_REST, "cue"), self._led()] if after_hold else []
        if then.side != here.side and then.side:
            text, lead, self.state = prompts.switch(stretch, then.side), self.routine.switch_seconds, State.SETUP
        else:
            text, lead, self.state = prompts.next_round(then.rep, then.reps), self.routine.rep_rest_seconds, State.REST
        self._at(at + max(lead, speech_seconds(text) + SPEECH_MARGIN), "_ready")
        pattern = LedPattern.SWITCH if self.state == State.SETUP else LedPattern.READY
        return [self._step(), self._instruct(text), Led(pattern)]

    def _finish(self) -> list[Action]:
        self._clear_agenda()
        self.state = State.IDLE
        single = self.routine.stretches[self._rounds[0].stretch] if self._mode == "stretch" else None
        planned = dict.fromkeys(r.stretch for r in self._rounds)
        skipped = tuple(self.routine.stretches[i].id for i in planned if i not in self._done)
        return [
            Say(prompts.finish(self.routine, single), "instruction"),
            Led(LedPattern.DONE),
            RoutineEnd(completed=True, reason="finished", skipped=skipped),
        ]

    def _abandon(self, at: float) -> list[Action]:
        """A pause that went on too long: end quietly, the person has likely dozed off."""
        out = self._cut_hold()
        self._clear_agenda()
        self.state = State.IDLE
        return out + [Led(LedPattern.IDLE), RoutineEnd(completed=False, reason="abandoned")]

    # ---- pause, resume, jumps ----------------------------------------------------------

    def _pause(self, now: float) -> list[Action]:
        self._paused_from = self.state
        self._paused_at = now
        self._frozen, self._agenda = self._agenda, []
        self.state = State.PAUSED
        self._at(now + PAUSE_TIMEOUT, "_abandon")
        here = self._rounds[self._pos]
        return [
            Paused(self.routine.stretches[here.stretch].id, here.side),
            Say(prompts.PAUSED, "answer", urgent=True),
            self._led(),
        ]

    def _unpause(self, now: float) -> list[Action]:
        """Leave PAUSED or EASING without going on with the frozen plan."""
        paused = now - self._paused_at
        self._clear_agenda()
        return [Resumed(paused)]

    def _resume(self, now: float) -> list[Action]:
        shift = now - self._paused_at
        self._agenda = sorted((when + shift, seq, name, args) for when, seq, name, args in self._frozen)
        self._frozen = []
        if self._hold_ends_at is not None:
            self._hold_ends_at += shift
        self.state = self._paused_from
        return [Resumed(shift), Say(prompts.RESUMED, "answer"), self._led()]

    def _jump(self, stretch: int | None, words: str, now: float) -> list[Action]:
        """Leave the current round for the first round of `stretch` (None: the end)."""
        out: list[Action] = self._unpause(now) if self.state in (State.PAUSED, State.EASING) else []
        out += self._cut_hold()
        self._clear_agenda()
        self._cut_short.add(self._rounds[self._pos].stretch)
        if stretch is None or all(r.stretch != stretch for r in self._rounds):
            if stretch is None:
                return out + [Say(words, "answer", urgent=True)] + self._finish()
            self._rounds = plan_rounds(self.routine, range(stretch, stretch + 1))
        self._pos = next(i for i, r in enumerate(self._rounds) if r.stretch == stretch)
        self._cut_short.discard(stretch)
        self._done.discard(stretch)
        return out + [Say(words, "answer", urgent=True)] + self._announce(now)

    def _cut_hold(self) -> list[Action]:
        """End a running (or paused) hold early."""
        if self._hold_ends_at is None:
            return []
        here = self._rounds[self._pos]
        self._hold_ends_at = None
        return [HoldEnd(self.routine.stretches[here.stretch].id, here.side, here.rep, completed=False)]

    # ---- resuming after a restart ----------------------------------------------------

    def _on_offer(self, event: OfferResume, now: float) -> list[Action]:
        if self.state != State.IDLE:
            return []
        try:
            stretch = self.routine.stretch(event.stretch)
        except KeyError:
            return []
        side = event.side if event.side in stretch.side_names else None
        self._offer = OfferResume(stretch.id, side)
        self.state = State.OFFERING
        self._at(now + OFFER_SECONDS, "_offer_expired")
        return [self._instruct(prompts.offer_resume(stretch, side)), self._led()]

    def _offer_expired(self, at: float) -> list[Action]:
        self._offer = None
        self.state = State.IDLE
        return [self._led()]

    def _continue_offer(self, offer: OfferResume, now: float) -> list[Action]:
        index = self.routine.index_of(offer.stretch)
        rounds = plan_rounds(self.routine, range(index, len(self.routine.stretches)))
        pos = next((i for i, r in enumerate(rounds) if r.side == offer.side), 0)
        return self._begin("routine", range(index, len(self.routine.stretches)), pos, now, resumed=True)

    # ---- problems and the LED ----------------------------------------------------------

    def _on_problem(self, event: Problem) -> list[Action]:
        known = event.what in self._problems
        if event.active == known:
            return []
        if event.active:
            self._problems.add(event.what)
        else:
            self._problems.discard(event.what)
        out: list[Action] = [self._led()]
        if event.what == "microphone":
            out.append(Say(prompts.NO_MICROPHONE if event.active else prompts.MICROPHONE_BACK, "answer"))
        return out

    def _led(self) -> Led:
        if self._problems:
            return Led(LedPattern.PROBLEM)
        if self.state == State.HOLD and self._hold_ends_at is not None:
            return Led(LedPattern.HOLD, self._hold_ends_at - self._now)
        return Led(_STATE_LED[self.state])

    # ---- helpers ---------------------------------------------------------------------------

    def _step(self) -> Step:
        here = self._rounds[self._pos]
        return Step(
            self.routine.stretches[here.stretch].id, here.side, here.rep, here.reps,
            here.stretch, len(self.routine.stretches),
        )

    def _instruct(self, text: str) -> Say:
        self._last_instruction = text
        return Say(text, "instruction")

    @staticmethod
    def _answer(text: str) -> Say:
        return Say(text, "answer")

    def _hold_left(self, now: float) -> float | None:
        if self._hold_ends_at is None:
            return None
        until = self._paused_at if self.state == State.PAUSED else now
        return self._hold_ends_at - until

    def _projected_end(self, now: float) -> float:
        """When the routine would end from here with no more input (run on a copy)."""
        ghost = copy.deepcopy(self)
        if ghost.state == State.PAUSED:
            ghost._resume(now)
        elif ghost.state == State.EASING:
            ghost._unpause(now)
            ghost._advance(now, after_hold=False)
        when = now
        while ghost.state != State.IDLE and (deadline := ghost.next_deadline()) is not None:
            when = deadline
            ghost.handle(Tick(), deadline)
        return when


_STATE_LED = {
    State.IDLE: LedPattern.IDLE,
    State.OFFERING: LedPattern.PAUSED,
    State.SETUP: LedPattern.READY,
    State.READY: LedPattern.READY,
    State.HOLD: LedPattern.HOLD,
    State.REST: LedPattern.READY,
    State.PAUSED: LedPattern.PAUSED,
    State.EASING: LedPattern.PAUSED,
}

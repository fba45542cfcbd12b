"""The coach: a pure state machine from events to actions (see `machine`)."""

from assistant.coach.machine import Coach
from assistant.coach.prompts import all_prompts

__all__ = ["Coach", "all_prompts"]

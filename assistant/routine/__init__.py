"""The routine as data: the six stretches, their order, timings and words."""

from assistant.routine.model import Routine, Stretch, default_routine, load_routine

__all__ = ["Routine", "Stretch", "default_routine", "load_routine"]

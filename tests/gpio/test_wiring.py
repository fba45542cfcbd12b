"""The checked-in wiring diagram matches the code that draws it and the default pins."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from assistant.gpio.devices import DEFAULT_BUTTON_PIN, DEFAULT_LED_PIN

HARDWARE = Path(__file__).resolve().parents[2] / "hardware"


def load_drawing() -> ModuleType:
    """Import hardware/draw_wiring.py, which is a script, not part of the package."""
    spec = importlib.util.spec_from_file_location("draw_wiring", HARDWARE / "draw_wiring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_checked_in_svg_is_what_the_script_draws() -> None:
    drawing = load_drawing()
    assert (HARDWARE / "wiring.svg").read_text(encoding="utf-8") == drawing.render(), (
        "run: python hardware/draw_wiring.py"
    )


def test_the_drawing_wires_the_default_pins_to_ground() -> None:
    drawing = load_drawing()
    assert drawing.HEADER[drawing.BUTTON_PIN - 1] == f"GPIO{DEFAULT_BUTTON_PIN}"
    assert drawing.HEADER[drawing.LED_PIN - 1] == f"GPIO{DEFAULT_LED_PIN}"
    assert drawing.HEADER[drawing.BUTTON_GND - 1] == drawing.HEADER[drawing.LED_GND - 1] == "GND"


def test_the_wiring_table_names_the_same_physical_pins() -> None:
    drawing = load_drawing()
    table = (HARDWARE / "wiring.md").read_text(encoding="utf-8")
    for pin in (drawing.BUTTON_PIN, drawing.BUTTON_GND, drawing.LED_PIN, drawing.LED_GND):
        assert f"| {drawing.HEADER[pin - 1]} | {pin} |" in table

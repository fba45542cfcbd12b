"""Draw hardware/wiring.svg: the button and LED on the Pi's 40-pin header.

Plain SVG text, no dependencies: run `python hardware/draw_wiring.py` after
changing the wiring, and commit the SVG with it (a test checks they agree).
"""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "3V3", "5V", "GPIO2", "5V", "GPIO3", "GND", "GPIO4", "GPIO14", "GND", "GPIO15",
    "GPIO17", "GPIO18", "GPIO27", "GND", "GPIO22", "GPIO23", "3V3", "GPIO24", "GPIO10", "GND",
    "GPIO9", "GPIO25", "GPIO11", "GPIO8", "GND", "GPIO7", "GPIO0", "GPIO1", "GPIO5", "GND",
    "GPIO6", "GPIO12", "GPIO13", "GND", "GPIO19", "GPIO16", "GPIO26", "GPIO20", "GND", "GPIO21",
)  # physical pins 1..40, as seen from above with the header on the right edge of the board
BUTTON_PIN, BUTTON_GND = 11, 9  # GPIO17 and the ground pin beside it
LED_PIN, LED_GND = 13, 14  # GPIO27 and the ground pin opposite it
USED = {BUTTON_PIN: "button", BUTTON_GND: "button", LED_PIN: "LED", LED_GND: "LED"}
COLOURS = {"GND": "#222222", "3V3": "#e08a00", "5V": "#c62828"}
BUTTON_WIRE, LED_WIRE = "#1565c0", "#2e7d32"

TOP, ROW, LEFT_X, RIGHT_X = 80, 22, 345, 375
BOTTOM_ROUTE = 545


def pin_xy(pin: int) -> tuple[int, int]:
    """Centre of physical pin `pin` (1..40) in the drawing."""
    row, column = divmod(pin - 1, 2)
    return (RIGHT_X if column else LEFT_X), TOP + row * ROW


def _line(points: list[tuple[int, int]], colour: str) -> str:
    """A wire through `points`."""
    path = " ".join(f"{x},{y}" for x, y in points)
    return f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>'


def _text(
    x: int, y: int, words: str, anchor: str = "start", size: int = 11, bold: bool = False
) -> str:
    """A label."""
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}"{weight}>{words}</text>'
    )


def _stroke(x1: int, y1: int, x2: int, y2: int) -> str:
    """A thick black stroke of a part's symbol."""
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#000" stroke-width="3"/>'


def _header() -> list[str]:
    """The 40-pin header with every pin named and the used ones marked."""
    parts = ['<rect x="327" y="64" width="66" height="452" rx="6" fill="#f3f3f3" stroke="#555"/>']
    for pin, name in enumerate(HEADER, start=1):
        x, y = pin_xy(pin)
        colour = COLOURS.get(name, "#9e9e9e")
        ring = ' stroke="#ffb300" stroke-width="3"' if pin in USED else ""
        parts.append(f'<circle cx="{x}" cy="{y}" r="7" fill="{colour}"{ring}/>')
        label = f"{name} ({pin})"
        if pin % 2:
            parts.append(_text(x - 24, y - 4, label, "end", 10, pin in USED))
        else:
            parts.append(_text(x + 24, y - 4, label, "start", 10, pin in USED))
    return parts


def _button() -> list[str]:
    """GPIO17 → push button → GND, using the Pi's internal pull-up."""
    gpio_x, gpio_y = pin_xy(BUTTON_PIN)
    gnd_x, gnd_y = pin_xy(BUTTON_GND)
    return [
        _line([(gpio_x, gpio_y), (200, gpio_y)], BUTTON_WIRE),
        _line([(gnd_x, gnd_y), (70, gnd_y), (70, gpio_y), (140, gpio_y)], BUTTON_WIRE),
        f'<circle cx="140" cy="{gpio_y}" r="4" fill="white" stroke="#000" stroke-width="2"/>',
        f'<circle cx="200" cy="{gpio_y}" r="4" fill="white" stroke="#000" stroke-width="2"/>',
        _stroke(132, gpio_y + 12, 208, gpio_y + 12),  # the button's bar
        _stroke(170, gpio_y + 12, 170, gpio_y + 26),  # and its plunger
        _text(170, gpio_y + 42, "push button", "middle", 12, True),
        _text(170, gpio_y + 56, "(no resistor: internal pull-up)", "middle", 10),
    ]


def _led() -> list[str]:
    """GPIO27 → 330 Ω resistor → LED → GND."""
    gpio_x, gpio_y = pin_xy(LED_PIN)
    gnd_x, gnd_y = pin_xy(LED_GND)
    y = 330
    # Wires run down outside the pin labels, never across them.
    zigzag = " ".join(
        f"{220 - 8 * step},{y + (0 if step in (0, 8) else (-7 if step % 2 else 7))}"
        for step in range(9)
    )
    return [
        _line([(gpio_x, gpio_y), (252, gpio_y), (252, y), (220, y)], LED_WIRE),
        f'<polyline points="{zigzag}" fill="none" stroke="#000" stroke-width="2"/>',
        _text(188, y - 14, "330 Ω", "middle", 12, True),
        _line([(156, y), (130, y)], LED_WIRE),
        # The diode points the way current flows: anode (right) to cathode (left).
        f'<polygon points="130,{y - 10} 130,{y + 10} 110,{y}" fill="#ffeb3b" stroke="#000"/>',
        _stroke(110, y - 10, 110, y + 10),  # the cathode bar
        f'<line x1="118" y1="{y - 14}" x2="110" y2="{y - 26}" stroke="#000"/>',
        f'<line x1="126" y1="{y - 14}" x2="118" y2="{y - 26}" stroke="#000"/>',
        _text(120, y + 28, "LED", "middle", 12, True),
        _text(120, y + 42, "long leg = anode", "middle", 10),
        _line(
            [(110, y), (70, y), (70, BOTTOM_ROUTE), (500, BOTTOM_ROUTE), (500, gnd_y),
             (gnd_x, gnd_y)],
            LED_WIRE,
        ),
    ]


def render() -> str:
    """The whole diagram as SVG text."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="560" height="620" '
        'viewBox="0 0 560 620" font-family="sans-serif">',
        '<rect width="560" height="620" fill="white"/>',
        _text(280, 28, "footstretch: button and LED on the Raspberry Pi header", "middle", 15,
              bold=True),
        _text(280, 48, "seen from above, pin 1 at the top left (square pad on the board)",
              "middle", 11),
        *_header(),
        *_button(),
        *_led(),
        _text(20, 580, "Button: GPIO17 (pin 11) to GND (pin 9). LED: GPIO27 (pin 13)", size=12),
        _text(20, 598, "to 330 Ω to LED anode; LED cathode to GND (pin 14).", size=12),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    """Write wiring.svg next to this script."""
    target = Path(__file__).with_name("wiring.svg")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()

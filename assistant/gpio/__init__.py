"""The bedside button and status LED.

`gestures` and `patterns` are pure (standard library, time as an argument);
`devices` wraps gpiozero and is the only module here that touches pins.
"""

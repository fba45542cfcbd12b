"""The pacer holds an unpaced stream to a multiple of real time (with a fake clock)."""

from assistant.audio.pacing import Pacer


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_a_callback_that_runs_ahead_is_held_back_to_real_time():
    fake = FakeTime()
    pacer = Pacer(16000, clock=fake.clock, sleep=fake.sleep)
    for _ in range(10):
        pacer.wait(1600)
    assert abs(fake.now - 100.0 - 1.0) < 1e-9


def test_at_speed_ten_ten_seconds_of_audio_pass_in_one():
    fake = FakeTime()
    pacer = Pacer(22050, speed=10, clock=fake.clock, sleep=fake.sleep)
    for _ in range(100):
        pacer.wait(2205)
    assert abs(fake.now - 100.0 - 1.0) < 1e-9


def test_a_late_callback_is_not_made_later():
    fake = FakeTime()
    pacer = Pacer(16000, clock=fake.clock, sleep=fake.sleep)
    pacer.wait(1600)
    fake.now += 5.0
    pacer.wait(1600)
    assert len(fake.slept) == 1 and abs(fake.slept[0] - 0.1) < 1e-9
    assert abs(fake.now - 105.1) < 1e-9

"""The pause before `serve` restarts a dead child: doubling while it keeps dying at once,
capped, and back to the first once it has stayed up."""

from clientela.clock.supervisor import Backoff


def test_quick_deaths_double_the_pause_up_to_a_minute():
    backoff, delay, pauses = Backoff(), 0.0, []
    for _ in range(9):
        delay = backoff.next(delay, uptime=0.5)
        pauses.append(delay)
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_child_that_stayed_up_a_minute_starts_again_from_one_second():
    assert Backoff().next(60.0, uptime=60.0) == 1.0
    assert Backoff().next(8.0, uptime=59.0) == 16.0

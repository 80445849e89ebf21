"""loyalty.courtesy: a checkpoint calls the hold of its own thread only."""

import threading

from loyalty import courtesy


def test_a_checkpoint_calls_this_thread_s_hold_and_nothing_elsewhere():
    calls: list[str] = []
    courtesy.checkpoint()  # no hold: nothing happens
    with courtesy.stepping_aside(lambda: calls.append("outer")):
        courtesy.checkpoint()
        other = threading.Thread(target=courtesy.checkpoint)  # another thread: no hold
        other.start()
        other.join()
        with courtesy.stepping_aside(lambda: calls.append("inner")):
            courtesy.checkpoint()
        courtesy.checkpoint()  # the outer hold again
    courtesy.checkpoint()  # and none after the block
    assert calls == ["outer", "inner", "outer"]


def test_the_hold_ends_with_its_block_also_when_the_block_raises():
    calls: list[int] = []
    try:
        with courtesy.stepping_aside(lambda: calls.append(1)):
            raise ValueError
    except ValueError:
        pass
    courtesy.checkpoint()
    assert calls == []

"""Logging (core.logging): a call below the logger's level costs no event building. The audit writes an info
line on every change, and the event post runs many times a second: at LOG_LEVEL=WARNING its processors
(context, time stamp, formatting) ran for a line the standard library then threw away."""

import logging

import structlog


class Counting:
    """Stands in for the time stamper: counts the events that reach the processors."""

    def __init__(self, real) -> None:
        self.real = real
        self.calls = 0

    def __call__(self, logger, method, event_dict):
        self.calls += 1
        return self.real(logger, method, event_dict)


def test_a_call_below_the_level_builds_no_event():
    processors = structlog.get_config()["processors"]  # the configured list itself, changed in place
    stamper = next(p for p in processors if isinstance(p, structlog.processors.TimeStamper))
    place = processors.index(stamper)
    counting = processors[place] = Counting(stamper)
    logging.getLogger("tests.core.log_levels").setLevel(logging.WARNING)
    try:
        log = structlog.get_logger("tests.core.log_levels")
        log.info("not shown", detail="x")
        assert counting.calls == 0
        log.warning("shown", detail="x")
        assert counting.calls == 1
    finally:
        processors[place] = stamper
        logging.getLogger("tests.core.log_levels").setLevel(logging.NOTSET)

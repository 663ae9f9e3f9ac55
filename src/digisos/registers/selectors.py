"""Reads from the public registers, through the configured adapters."""

from dataclasses import dataclass

from .adapters.local import load_population
from .ports import Person
from .registry import folkeregister


def get_person(pid: str) -> Person | None:
    return folkeregister().get_person(pid)


@dataclass(frozen=True)
class DemoPersona:
    key: str
    pid: str
    label_nb: str


def list_demo_personas() -> list[DemoPersona]:
    """The synthetic personas of the quick start (the local ID-porten's users)."""
    return [
        DemoPersona(key=p["key"], pid=p["pid"], label_nb=p["label_nb"]) for p in load_population().values()
    ]

"""Protocols as data: the steps of a MAG session, loaded from TOML files.

A protocol is an ordered list of steps (convention de travail, tour de présentation, récits,
interprétations, analyse, perspectives, évaluation). Facilitators change the method by editing a
TOML file, never the code; see docs/protocol-files.md for the format.

- :mod:`~mag.domain.protocol.model`: the steps and the protocol;
- :mod:`~mag.domain.protocol.reader`: reading a file, every problem at once, the built-in files.
"""

from mag.domain.protocol.model import (
    Contributor,
    Protocol,
    QuestionKind,
    RoundOrder,
    Step,
    StepKind,
    Visibility,
    VoteMode,
)
from mag.domain.protocol.reader import (
    Problem,
    ProtocolInvalid,
    builtin_protocol,
    builtin_protocols,
    load_protocol,
    parse_protocol,
)

__all__ = [
    "Contributor",
    "Problem",
    "Protocol",
    "ProtocolInvalid",
    "QuestionKind",
    "RoundOrder",
    "Step",
    "StepKind",
    "Visibility",
    "VoteMode",
    "builtin_protocol",
    "builtin_protocols",
    "load_protocol",
    "parse_protocol",
]

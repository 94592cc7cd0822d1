"""Kinds of step registered by tests only, to prove that a module is all a kind needs."""

from mag.domain.protocol import builtin_protocol

SILENCE_STEP = """
[[steps]]
id = "silence"
number = "0.3"
phase = "Ouverture"
title = "Minute de silence"
kind = "silence"
contributors = ["animateur"]
duration_minutes = 1
instructions = "Une minute, ensemble, sans rien dire."

[steps.translations.nl]
phase = "Opening"
title = "Minuut stilte"
instructions = "Een minuut, samen, zonder iets te zeggen."

[steps.translations.en]
phase = "Opening"
title = "A minute's silence"
instructions = "One minute, together, without a word."
"""


def court_with_silence() -> str:
    """The short protocol with a minute of silence after the agreement."""
    source = builtin_protocol("mag-court").source
    second = source.index("[[steps]]", source.index("[[steps]]") + 1)
    return source[:second] + SILENCE_STEP.lstrip() + "\n" + source[second:]

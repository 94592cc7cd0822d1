"""The method's commands, a module per part of a session: its commands, their rules, who may send them.

Each module lists its commands in ``COMMANDS``; :mod:`mag.domain.commands` gathers them
(``STEP_MODULES``) and decides who may send what.
"""

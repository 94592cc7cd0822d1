"""The MAG domain in plain Python: protocols, session state, roles, visibility.

Nothing in this package imports Flask, Flask-SocketIO or SQLAlchemy
(tests/domain/test_purity.py checks it), so every rule of the method can be
tested without a server or a database.
"""

"""Extensions created once and bound in the factory."""

from flask_babel import Babel

babel = Babel()

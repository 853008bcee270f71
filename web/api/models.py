"""The API's shapes live in :mod:`workflow.shapes`, shared with the command line's ``--json``."""

from workflow.shapes.programmes import *  # noqa: F403
from workflow.shapes.programmes import Body, Shape  # noqa: F401

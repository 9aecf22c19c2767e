"""The one exception users see: its message names the cause and the fix."""

from __future__ import annotations

import click


class ExnetError(click.ClickException):
    """An error the user can cause and fix; click prints it without a traceback."""

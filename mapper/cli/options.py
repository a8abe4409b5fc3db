"""Shared pieces of the CLI: exit codes, error handling, option decorators, parameter types."""

from __future__ import annotations

import functools
import traceback

import click

from ..errors import InputError, MapperError

EXIT_INPUT, EXIT_USAGE, EXIT_PARTIAL, EXIT_OUTPUT = 1, 2, 3, 4


def printable(text: str) -> str:
    """A message safe for a terminal: control characters (newlines, ANSI escapes) and invisible
    format characters (RTL marks, zero-width joiners) of report ids and paths shown escaped."""
    import unicodedata

    return "".join(c if c.isprintable() and unicodedata.category(c) != "Cf" else
                   (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in text)


class Failure(click.ClickException):
    """A MapperError on its way out: one line, the error's exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"mapper: error: {printable(self.format_message())}", err=True)


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return fn(*args, **kwargs)
        except MapperError as e:
            if (ctx.find_root().obj or {}).get("verbose", 0) > 1:
                traceback.print_exc()
            raise Failure(str(e), getattr(e, "exit_code", EXIT_INPUT)) from None
    return wrapper


def parse_date(ctx, param, value):
    """A date option: ISO YYYY-MM-DD only ("12/05/2024" is 12 May or 5 December: it is refused)."""
    if value is None:
        return None
    import re

    from ..dates import parse_iso_date

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise click.BadParameter(f"{value!r}: give the date as YYYY-MM-DD")
    try:
        return parse_iso_date(value, what=param.name)
    except InputError as e:
        raise click.BadParameter(str(e)) from None


def parse_formats(ctx, param, value):
    from ..export import FORMATS

    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise click.BadParameter(f"unknown format {', '.join(bad) or value!r}; choose from {', '.join(FORMATS)}")
    return fmts


def gazetteer_option(f):
    # (no envvar= here: pipeline.open_gazetteer is the one reader of $MAPPER_GAZETTEER)
    return click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False),
                        help="Gazetteer file to use (default: $MAPPER_GAZETTEER, else the bundled one).")(f)


def output_options(f):
    f = click.option("--precision", "digits", type=click.IntRange(0, 10), default=5, show_default=True,
                     help="Decimals of exported coordinates.")(f)
    f = click.option("--mentions", is_flag=True, help="Also export places mentioned with no event (kind: mention).")(f)
    f = click.option("--cdn", is_flag=True,
                     help="Link the map's libraries from unpkg (pinned versions, SRI-checked) instead of carrying "
                          "them: a smaller HTML file that needs the network. By default a map is one self-contained "
                          "file that works offline.")(f)
    # before maps were self-contained by default, --offline asked for it: still accepted, a no-op
    f = click.option("--offline", "offline", is_flag=True, hidden=True)(f)
    f = click.option("--title", default=None, help="Map title (default: from the report).")(f)
    f = click.option("--regions", "regions_path", type=click.Path(exists=True, dir_okay=False),
                     help="GeoJSON of region outlines (e.g. geoBoundaries ADM1) to draw, and to shade region-level incidents.")(f)
    return f


def echo(msg: str, *, quiet_level: int = 0) -> None:
    obj = click.get_current_context().find_root().obj or {}
    if obj.get("quiet") and quiet_level <= 0:
        return
    click.echo(printable(msg), err=True)



"""The ``mapper`` command: render, batch, extract, eval and gazetteer sub-commands.

A thin layer over the library, one module per command (as Fiona's ``fio``): it parses options,
calls the stages and turns MapperError into one line on stderr with a distinct exit code
(input 1, usage 2, partial batch failure 3). Heavy libraries (geopandas, pyogrio) are imported
only by the outputs that need them.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from .batch import batch
from .evaluate import evaluate_cmd
from .extract import extract
from .gazetteer import gazetteer
from .render import render

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mapper")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="More detail; -vv shows tracebacks.")
@click.pass_context
def cli(ctx, quiet, verbose):
    """Map conflict incidents from report text, offline.

    \b
    Examples:
      mapper render seeds/000_d1e38bd754553174.txt            # map + GeoJSON into output/
      mapper batch reports/ -o out/ -f html,geojson,csv -j 2  # one combined map and dataset
      mapper extract report.txt --json                        # every place mention, explained
      mapper gazetteer lookup Graivoron
    """
    ctx.obj = {"quiet": quiet, "verbose": verbose}




for _command in (render, batch, extract, evaluate_cmd, gazetteer):
    cli.add_command(_command)


def main() -> None:
    """The console entry point: no traceback reaches the user without -vv, whatever happens."""
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        click.echo("mapper: interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # a bug, or an error of the system nobody named: still one line
        if any(a.startswith("-vv") or a == "--verbose" for a in sys.argv[1:]):
            raise
        from .options import EXIT_INPUT, EXIT_OUTPUT, printable

        kind = "cannot write output" if isinstance(e, OSError) else "internal error"
        click.echo(f"mapper: {kind}: {printable(f'{type(e).__name__}: {e}')} (-vv shows the traceback)", err=True)
        sys.exit(EXIT_OUTPUT if isinstance(e, OSError) else EXIT_INPUT)




"""``python -m mapper`` runs the CLI."""

from .cli import main

main()

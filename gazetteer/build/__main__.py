"""``python -m gazetteer.build``: rebuild the shipped default gazetteer."""

from .builder import main

raise SystemExit(main())

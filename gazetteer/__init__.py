"""A local, offline gazetteer of the Russia–Ukraine border region (and the world's larger places).

Independent of ``mapper``: ``Gazetteer.default().lookup("Graivoron")`` works on its own.
"""

from .errors import GazetteerError
from .fold import fold_name, fold_token
from .model import Candidate, Place
from .store import Gazetteer, haversine_km

__all__ = ["Candidate", "Gazetteer", "GazetteerError", "Place", "fold_name", "fold_token", "haversine_km"]

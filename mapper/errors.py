"""Named errors of the pipeline. Each also inherits the matching built-in, as geopy and Fiona do,
so callers can catch either; the CLI turns them into one line on stderr and an exit code."""

from gazetteer.errors import GazetteerError


class MapperError(Exception):
    """Root of every error the mapper raises on purpose."""

    exit_code = 1


class InputError(MapperError, ValueError):
    """A report or collection cannot be read: empty, binary, too large, malformed, bad date."""


class OutputError(MapperError, OSError):
    """An output cannot be written (unwritable directory, disk full)."""

    exit_code = 4


class GazetteerUnavailable(MapperError, OSError):
    """The chosen gazetteer file cannot be opened."""

    @classmethod
    def from_error(cls, e: GazetteerError) -> "GazetteerUnavailable":
        return cls(str(e))


__all__ = ["GazetteerError", "GazetteerUnavailable", "InputError", "MapperError", "OutputError"]

"""The gazetteer's one exception type; it is an OSError because it is about a file."""


class GazetteerError(OSError):
    """A gazetteer file is missing, unreadable, of another schema, or a source is malformed."""

"""incident-mapper: from conflict reports to mapped, dated incidents, offline.

Pipeline: reports (ingest) -> recognize -> resolve -> timeline/events -> incidents ->
export/render; ``mapper.cli`` sits on top, and so does the library face below
(:mod:`mapper.api`), loaded when first used so that the CLI's start pays nothing for it.

    import mapper
    result = mapper.process("date 2024-05-10\nShelling of Glotovo overnight.")
    result.to_geodataframe()
    mapper.Map(result)                # a folium.Map: add layers, save(), or show it inline
"""

__version__ = "0.1.0"

__all__ = ["InputError", "Incident", "Map", "MapperError", "Report", "Result", "Results", "process", "process_many",
           "read", "to_geodataframe", "write", "__version__"]

_FROM = {"InputError": "errors", "MapperError": "errors", "Incident": "records", "Report": "records", "Map": "webmap",
         "Result": "api", "Results": "api", "process": "api", "process_many": "api", "read": "api",
         "to_geodataframe": "api", "write": "api"}


def __getattr__(name: str):
    if name in _FROM:
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{_FROM[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mapper' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

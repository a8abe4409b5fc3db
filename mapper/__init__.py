"""incident-mapper: from conflict reports to mapped, dated incidents, offline.

Pipeline: reports (ingest) -> recognize -> resolve -> timeline/events -> incidents ->
export/render; ``mapper.cli`` sits on top.
"""

__version__ = "0.1.0"

"""Shared fixtures: one gazetteer and pipeline per session, the seed report, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = ROOT / "seeds" / "000_d1e38bd754553174.txt"


@pytest.fixture(scope="session")
def gaz():
    from gazetteer import Gazetteer

    return Gazetteer.default()


@pytest.fixture(scope="session")
def pipeline(gaz):
    from mapper.pipeline import Pipeline

    return Pipeline(gaz)


@pytest.fixture(scope="session")
def seed_report():
    from mapper.reports import read_path

    return read_path(SEED).reports[0]


@pytest.fixture(scope="session")
def seed_result(pipeline, seed_report):
    return pipeline.process(seed_report)


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="session")
def shared():
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository")
    return SHARED


def report(text: str, date: str | None = "2023-05-23", rid: str = "t"):
    import datetime as dt

    from mapper.records import Report

    return Report(id=rid, text=text, date=dt.date.fromisoformat(date) if date else None)

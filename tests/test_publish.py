"""Publishing an output set: whole on every failure, a kill at any step included."""

import os
import subprocess
import sys
import textwrap

import pytest

from mapper import fileio

CHILD = textwrap.dedent("""
    import os, signal, sys
    from mapper import fileio

    folder, kill_at = sys.argv[1], int(sys.argv[2])
    calls = 0

    def killing(real):
        def call(*args, **kwargs):
            global calls
            calls += 1
            if calls == kill_at:  # the process dies here, as under SIGKILL: no cleanup runs
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return call

    for name in ("replace", "link", "unlink"):
        setattr(os, name, killing(getattr(os, name)))
    with fileio.output_set():
        for name in ("map.html", "incidents.geojson", "summary.json"):
            fileio.write_text(os.path.join(folder, name), "new " + name)
""")
NAMES = ("map.html", "incidents.geojson", "summary.json")


def _contents(folder):
    return {n: (folder / n).read_text() for n in NAMES}


def test_a_kill_at_any_step_of_publishing_leaves_one_whole_set_once_recovered(tmp_path):
    steps = 0
    for kill_at in range(1, 40):
        folder = tmp_path / f"k{kill_at}"
        folder.mkdir()
        for n in NAMES:
            (folder / n).write_text("old " + n)
        done = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(kill_at)]).returncode == 0
        fileio.recover(folder)  # what the next run writing there does first
        fileio.remove_stale(folder, older_than=-1)
        got = _contents(folder)
        assert got in ({n: "old " + n for n in NAMES}, {n: "new " + n for n in NAMES}), (kill_at, got)
        assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES), kill_at  # nothing staged is left
        if done:
            steps = kill_at
            break
    assert steps > len(NAMES) * 2  # the run was killed at every one of its file operations first


def test_the_next_batch_into_a_folder_finishes_a_killed_publication(tmp_path, runner):
    import json

    from mapper.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "r1", "date": "2023-05-23", "text": "Shelling of Glotovo today."}) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    for n in NAMES:
        (out / n).write_text("old " + n)
    # killed after its journal and its first rename
    subprocess.run([sys.executable, "-c", CHILD, str(out), "3"])
    assert (out / fileio.JOURNAL).exists()
    # a run that then fails to read anything still leaves the killed run's set whole
    res = runner.invoke(cli, ["batch", str(tmp_path / "missing.jsonl"), "-o", str(out)])
    assert res.exit_code == 1
    assert _contents(out) == {n: "new " + n for n in NAMES} and not (out / fileio.JOURNAL).exists()


def test_a_journal_that_is_not_ours_is_an_error_not_a_guess(tmp_path):
    from mapper.errors import OutputError

    (tmp_path / fileio.JOURNAL).write_text("{ not json")
    with pytest.raises(OutputError, match="not a publication journal"):
        fileio.recover(tmp_path)


def test_a_journal_naming_files_elsewhere_moves_nothing_outside_its_folder(tmp_path):
    import json

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".victim.tmp").write_text("planted")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / fileio.JOURNAL).write_text(json.dumps({"pid": 1 << 22, "time": 0, "renames": [
        [str(elsewhere / ".victim.tmp"), str(elsewhere / "victim")]]}))
    assert fileio.recover(folder) == 0
    assert not (elsewhere / "victim").exists() and os.path.exists(elsewhere / ".victim.tmp")

"""Ingest: read reports from text, Markdown, HTML, JSON, JSONL, CSV and Telegram exports.

First stage of the pipeline. Every reader returns :class:`ReadResult` — the reports it could read
and the rows it could not — so one bad row never loses the rest of a collection. A file that
cannot be read at all raises :class:`InputError` with a one-line reason.

About 400 lines: seven formats share the row rules (dates, ids, sources, the size limit), which
a module per format would repeat.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .dates import parse_iso_date
from .errors import InputError
from .records import Report

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
COLLECTION_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv", ".tsv"}
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | COLLECTION_SUFFIXES
# "date 2023-05-23" opening a text report; "Dated ..." or "Date: yesterday" is report text
_DATE_LINE_RE = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{1,2}-\d{1,2}(?:T[\d:.+Z-]*)?)(?![\w-])[ \t]*\n?", re.I)
_FRONT_MATTER_RE = re.compile(r"^---\s*\n(.*?)\n---\s*\n", re.S)


@dataclass
class RowError:
    """A row of a collection (or a whole file) that could not be read."""

    path: str
    row: int | None
    error: str


@dataclass
class ReadResult:
    reports: list[Report] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0  # rows that are no report and no error: Telegram service and media-only messages


@dataclass(frozen=True)
class Skipped:
    """What :func:`read_rows` yields last for a collection: how many rows were no report and
    no error (Telegram service messages, photos and files without text)."""

    path: str
    count: int


_MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "poll", "location_information", "contact_information")


def decode_bytes(data: bytes, *, name: str = "input") -> tuple[str, list[str]]:
    """Text of a file: UTF-8 (with or without BOM), else the encoding charset-normalizer finds,
    with a warning. Empty and binary data are input errors."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: binary file (NUL bytes), not a report")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: not text in any known encoding")
    text, encoding = str(best), best.encoding
    if _cyrillic_share(text) < 0.3:
        # a short text leaves charset-normalizer guessing (two koi8-r sentences read as cp874):
        # the border's own encodings, if one of them reads it as mostly Cyrillic words
        for enc in _CYRILLIC_ENCODINGS:
            try:
                alt = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _cyrillic_share(alt) >= 0.6:
                text, encoding = alt, enc
                break
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\r\n\t\f")
    if controls > 0.05 * min(len(text), 4096):
        raise InputError(f"{name}: binary file, not a report")
    return text, [f"{name}: not UTF-8, decoded as {encoding}"]


_CYRILLIC_ENCODINGS = ("cp1251", "koi8_r", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic")


def _cyrillic_share(text: str) -> float:
    """Of a text's letters, the share that are Cyrillic, and lower case after the first of a
    word (a wrong single-byte decoding gives Cyrillic in random case: koi8-r read as cp1251)."""
    letters = [c for c in text[:4096] if c.isalpha()]
    if not letters:
        return 0.0
    good = sum(1 for a, b in zip(" " + text[:4096], text[:4096]) if "\u0400" <= b <= "\u04ff"
               and (b.islower() or not a.isalpha()))
    return good / len(letters)


def slug_id(path: Path) -> str:
    return path.stem


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(value: str, what: str, where: str, warnings: list[str]) -> str:
    """``value`` with lone surrogates (a JSON "\\ud800" that pairs with nothing: no character,
    and no output can hold it) replaced by U+FFFD, and a warning saying so."""
    if _SURROGATE.search(value) is None:
        return value
    warnings.append(f"{where}: {what} had unpaired surrogate code points, replaced by U+FFFD")
    return _SURROGATE.sub("\ufffd", value)


def _report(*, id: str, text: str, date: dt.date | None, path: str, warnings: list[str],
            title: str = "", source: str = "", url: str = "") -> Report:
    id = _clean(id, "a report's id", path or "input", warnings)
    where = f"{path} (report {id})" if path and id != Path(path).stem else path or id
    text, title, source, url = (_clean(v, what, where, warnings) for v, what in
                                ((text, "its text"), (title, "its title"), (source, "its source"), (url, "its url")))
    text = text.strip()
    if not text:
        raise InputError(f"{path or id}: no text")
    if date is None:
        # a date in the body is no report date: it is page furniture ("07.01.2026"), background
        # ("since 24 February 2022") or a byline as often as not; an event tied to one still
        # takes it (mapper.timeline)
        warnings.append(f"{where}: no date given (metadata, header or --date); undated incidents "
                        "take the dates their own sentences state, else null")
    return Report(id=id, text=text, date=date, title=title, source=source, url=url,
                  path=path, warnings=tuple(warnings))


def parse_text(text: str, *, id: str, path: str = "", default_date: dt.date | None = None,
               warnings: list[str] | None = None) -> Report:
    """A plain-text or Markdown report. Its date comes from a first line like ``date 2023-05-23``
    or a YAML front matter (``date:``, ``title:``, ``source:``, ``url:``), else ``default_date``."""
    warnings = list(warnings or [])
    meta: dict[str, str] = {}
    fm = _FRONT_MATTER_RE.match(text)
    if fm:
        for line in fm.group(1).splitlines():
            k, sep, v = line.partition(":")
            if sep:
                meta[k.strip().lower()] = v.strip().strip("'\"")
        text = text[fm.end():]
    else:
        m = _DATE_LINE_RE.match(text)
        if m:
            meta["date"] = m.group(1)
            text = text[m.end():]
    date = parse_iso_date(meta["date"], what=f"date in {path or id}") if meta.get("date") else default_date
    return _report(id=meta.get("id", id), text=text, date=date, path=path, warnings=warnings,
                   title=meta.get("title", ""), source=meta.get("source", ""), url=meta.get("url", ""))


def parse_html(html: str, *, id: str, path: str = "", default_date: dt.date | None = None,
               warnings: list[str] | None = None) -> Report:
    """Main text of an HTML page (trafilatura drops navigation, ads and sidebars)."""
    import trafilatura

    warnings = list(warnings or [])
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True) or ""
    meta = trafilatura.extract_metadata(html)
    if not text.strip():
        raise InputError(f"{path or id}: no article text found in the HTML")
    date = default_date
    title = url = source = ""
    if meta is not None:
        title, url, source = meta.title or "", meta.url or "", meta.sitename or ""
        if meta.date and date is None:
            try:
                date = parse_iso_date(meta.date)
            except InputError:
                pass
    return _report(id=id, text=text, date=date, path=path, warnings=warnings, title=title,
                   source=source, url=url)


def _flatten_telegram_text(value) -> str:
    """Telegram Desktop exports write text as a string or a list of strings and entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v if isinstance(v, str) else str(v.get("text", "")) if isinstance(v, dict) else "" for v in value)
    return ""


def _telegram_links(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v.get("href") or v.get("text", "") for v in value
            if isinstance(v, dict) and v.get("type") in ("link", "text_link")]


_TG_USERNAME_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")


def telegram_username(export: dict) -> str:
    """A public channel's username from a Telegram export, if it carries one ("username",
    or a "link" like https://t.me/name): what its posts' t.me links are made of."""
    for value in (export.get("username"), export.get("link"), export.get("url")):
        if isinstance(value, str):
            value = re.sub(r"^(?:https?://)?(?:t\.me|telegram\.me)/", "", value.strip()).strip("/")
            m = _TG_USERNAME_RE.match(value)
            if m:
                return m.group(1)
    return ""


def _from_record(obj, *, n: int, stem: str, path: str, default_date: dt.date | None,
                 channel: str = "", username: str = "") -> Report:
    if not isinstance(obj, dict):
        raise InputError(f"row {n}: expected an object, found {type(obj).__name__}")
    if "type" in obj and obj.get("type") != "message":
        raise InputError(f"row {n}: a Telegram service message, not a report")
    text = _flatten_telegram_text(obj.get("text", obj.get("body", obj.get("content", ""))))
    if not text.strip():
        if any(k in obj for k in _MEDIA_KEYS):
            raise InputError(f"row {n}: a Telegram service message, not a report (media without text)")
        raise InputError(f"row {n}: no text")
    raw_date = obj.get("date") or obj.get("published") or obj.get("event_date")
    date = parse_iso_date(str(raw_date), what=f"date in row {n}") if raw_date else default_date
    rid = str(obj.get("id") or f"{stem}-{n}")
    if channel:
        rid = f"{channel}-{rid}"
    links = _telegram_links(obj.get("text"))
    post = f"https://t.me/{username}/{obj['id']}" if username and str(obj.get("id", "")).isdigit() else ""
    return _report(id=rid, text=text, date=date, path=path, warnings=[],
                   title=str(obj.get("title") or ""),
                   source=str(obj.get("source") or obj.get("from") or channel or ""),
                   url=str(obj.get("url") or obj.get("link") or post or (links[0] if links else "")))


def _row(obj, *, n: int, stem: str, path: str, default_date: dt.date | None,
         channel: str = "", username: str = "") -> Report | RowError | None:
    """A record as a report, a bad row, or None for a Telegram service or media-only message
    (not an error: every real export has them)."""
    try:
        return _from_record(obj, n=n, stem=stem, path=path, default_date=default_date, channel=channel,
                            username=username)
    except InputError as e:
        return None if "service message" in str(e) else RowError(path, n, str(e))


def _collect(rows: Iterable[tuple[int, object]], *, stem: str, path: str,
             default_date: dt.date | None, channel: str = "", username: str = "") -> ReadResult:
    out = ReadResult()
    for n, obj in rows:
        item = _row(obj, n=n, stem=stem, path=path, default_date=default_date, channel=channel, username=username)
        if item is None:
            out.skipped += 1
        else:
            (out.errors if isinstance(item, RowError) else out.reports).append(item)
    return out


def parse_json(text: str, *, stem: str, path: str, default_date: dt.date | None) -> ReadResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: malformed JSON ({e.msg} at line {e.lineno})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a report collection") from None
    channel = username = ""
    if isinstance(data, dict) and isinstance(data.get("messages"), list):  # Telegram Desktop export
        channel = re.sub(r"\W+", "_", str(data.get("name") or data.get("id") or stem)).strip("_")
        username = telegram_username(data)
        data = data["messages"]
    elif isinstance(data, dict) and isinstance(data.get("reports"), list):
        data = data["reports"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of reports, found {type(data).__name__}")
    return _collect(enumerate(data, 1), stem=stem, path=path, default_date=default_date, channel=channel,
                    username=username)


def iter_jsonl(text: str | Iterable[str], *, stem: str, path: str,
               default_date: dt.date | None) -> Iterator[Report | RowError | Skipped]:
    """A JSONL collection's reports and bad rows, in line order, one line at a time. ``text``
    is the whole text or its lines. Rows end at "\n" only (JSON Lines): U+2028, U+0085 and other
    line breaks str.splitlines() knows may stand raw inside a JSON string."""
    for n, line in enumerate(text.split("\n") if isinstance(text, str) else text, 1):
        if isinstance(line, RowError):
            yield line
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield RowError(path, n, f"row {n}: malformed JSON ({e.msg})")
            continue
        except RecursionError:
            yield RowError(path, n, f"row {n}: JSON nested too deeply")
            continue
        item = _row(obj, n=n, stem=stem, path=path, default_date=default_date)
        yield Skipped(path, 1) if item is None else item


def parse_jsonl(text: str, *, stem: str, path: str, default_date: dt.date | None) -> ReadResult:
    out = ReadResult()
    for item in iter_jsonl(text, stem=stem, path=path, default_date=default_date):
        if isinstance(item, Skipped):
            out.skipped += item.count
        else:
            (out.errors if isinstance(item, RowError) else out.reports).append(item)
    return out


def parse_csv(text: str, *, stem: str, path: str, default_date: dt.date | None, delimiter: str = ",",
              max_field: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """A CSV/TSV collection; a field may be as large as the file may (``--max-bytes``), where
    the csv module's own default limit (128 KiB) would reject a long report's whole file."""
    csv.field_size_limit(max(max_field, csv.field_size_limit()))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        if not reader.fieldnames or "text" not in [f.strip().lower() for f in reader.fieldnames]:
            raise InputError(f"{path}: CSV needs a 'text' column (found {reader.fieldnames})")
        rows = [(n, {k.strip().lower(): v for k, v in r.items() if k}) for n, r in enumerate(reader, 2)]
    except csv.Error as e:
        raise InputError(f"{path}: malformed CSV ({e})") from None
    return _collect(rows, stem=stem, path=path, default_date=default_date)


def _size(n: int) -> str:
    """A byte count as people read it: "800 bytes", "1.2 MB"."""
    return f"{n:,} bytes" if n < 100_000 else f"{n / 1e6:,.1f} MB"


def _over(what: str, size: int | None, limit: int) -> str:
    said = f"{_size(size)} is" if size is not None else "is"
    return f"{what}: {said} over the {_size(limit)} limit (--max-bytes)"


def _load(path: str | Path, max_bytes: int) -> tuple[Path, str, list[str]]:
    """A file's text and decoding warnings, after the checks every reader makes: a regular
    file (a FIFO or a device could block or never end), read no further than ``max_bytes``."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory (use 'mapper batch' for folders)")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file (a FIFO, socket or device), not read")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(_over(str(p), size, max_bytes))
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat()
        if len(data) > max_bytes:
            raise InputError(_over(str(p), None, max_bytes))
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    text, warnings = decode_bytes(data, name=str(p))
    return p, text, warnings


def read_path(path: str | Path, *, default_date: dt.date | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read one file into reports. Raises :class:`InputError` if the file as a whole is bad."""
    p, text, warnings = _load(path, max_bytes)
    suffix = p.suffix.lower()
    stem = slug_id(p)
    if suffix in HTML_SUFFIXES or (suffix not in COLLECTION_SUFFIXES and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))):
        rep = parse_html(text, id=stem, path=str(p), default_date=default_date, warnings=warnings)
        return ReadResult([rep])
    if suffix == ".json":
        res = parse_json(text, stem=stem, path=str(p), default_date=default_date)
    elif suffix in JSONL_SUFFIXES:
        res = parse_jsonl(text, stem=stem, path=str(p), default_date=default_date)
    elif suffix in (".csv", ".tsv"):
        res = parse_csv(text, stem=stem, path=str(p), default_date=default_date,
                        delimiter="\t" if suffix == ".tsv" else ",", max_field=max_bytes)
    else:
        return ReadResult([parse_text(text, id=stem, path=str(p), default_date=default_date, warnings=warnings)])
    if warnings:
        res.reports = [replace(r, warnings=r.warnings + tuple(warnings)) for r in res.reports]
    if not res.reports and not res.errors and not res.skipped:
        raise InputError(f"{p}: no reports in the collection")
    return res


def read_rows(path: str | Path, *, default_date: dt.date | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Report | RowError | Skipped]:
    """What :func:`read_path` reads, one report or bad row at a time. A JSONL feed is parsed as
    its rows are asked for, so a batch's workers start on the first rows while the parent reads
    on (parsing every row first had kept them idle); other files are read whole.
    Raises :class:`InputError` if the file as a whole is bad, possibly after some rows."""
    if Path(path).suffix.lower() not in JSONL_SUFFIXES:
        res = read_path(path, default_date=default_date, max_bytes=max_bytes)
        yield from res.errors
        yield from res.reports
        if res.skipped:
            yield Skipped(str(path), res.skipped)
        return
    p = Path(path)
    rows = skipped = 0
    for item in iter_jsonl(_jsonl_lines(p, max_bytes), stem=slug_id(p), path=str(p), default_date=default_date):
        if isinstance(item, Skipped):
            skipped += item.count
            continue
        rows += 1
        yield item
    if skipped:
        yield Skipped(str(p), skipped)
    elif not rows:
        raise InputError(f"{p}: no reports in the collection")


def _jsonl_lines(p: Path, max_row_bytes: int) -> Iterator[str | RowError]:
    """A JSONL feed's lines, read from the file as they are asked for: a feed of any size is
    read in bounded memory, and ``--max-bytes`` limits each row, not the feed. JSON is UTF-8
    (RFC 8259); a row that is not is that row's error."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory (use 'mapper batch' for folders)")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file (a FIFO, socket or device), not read")
    try:
        fh = open(p, "rb")
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None
    with fh:
        head = fh.read(8192)
        if not head.strip():
            raise InputError(f"{p}: empty file")
        if b"\x00" in head:
            raise InputError(f"{p}: binary file (NUL bytes), not a report")
        fh.seek(0)
        n = 0
        while True:  # a binary file's lines end at b"\n" only; none is held past the limit
            raw = fh.readline(max_row_bytes + 1)
            if not raw:
                break
            n += 1
            if len(raw) > max_row_bytes and not raw.endswith(b"\n"):
                size = len(raw)
                while raw and not raw.endswith(b"\n"):  # skip the rest of the row, a block at a time
                    raw = fh.readline(1 << 20)
                    size += len(raw)
                yield RowError(str(p), n, _over(f"row {n}", size, max_row_bytes))
                continue
            try:
                yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError:
                yield RowError(str(p), n, f"row {n}: not UTF-8")


def content_hash(report: Report) -> str:
    """A hash of every field of a report that reaches an output, its path included (a renamed
    feed is a new source), each length-prefixed so that no two reports share one."""
    h = hashlib.sha256()
    for part in (report.id, report.text, str(report.date), report.source, report.url, report.title, report.path):
        b = part.encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(b))
        h.update(b)
    return h.hexdigest()[:16]

"""Management packs made and kept: render a pack in the chosen formats, store the files with what the lead
wrote, and list and hand back packs made earlier (by the Reports page or ``python -m infodash report``).

The files are stored as generated (migration 009), not regenerated on demand: a pack is the record of what
management was shown on a day, and the figures behind it move afterwards (late resolutions and imports,
open requests judged against a later moment, comments withheld as waves change). A pack's files are
small -- tens of kilobytes for the deck and the workbook, about as much for the HTML, whose charts are
inline SVG -- so keeping them costs little.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from infodash import audit
from infodash.checks import check_author
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.filters import Filters
from infodash.pack import ManagementPack, PackContent, PackTexts, check_texts, pack_content
from infodash.pack_html import render_html
from infodash.pack_pptx import render_pptx
from infodash.pack_tables import render_csv_zip, render_xlsx
from infodash.periods import ReportingPeriod
from infodash.permissions import Account, require


@dataclass(frozen=True)
class PackFormat:
    """One kind of file a pack can be rendered as."""

    title: str
    extension: str
    mime: str
    render: Callable[[ManagementPack], bytes]


PACK_FORMATS: dict[str, PackFormat] = {
    "pptx": PackFormat("PowerPoint", "pptx",
                       "application/vnd.openxmlformats-officedocument.presentationml.presentation", render_pptx),
    "html": PackFormat("HTML report", "html", "text/html",
                       lambda pack: render_html(pack).encode("utf-8")),
    "xlsx": PackFormat("Excel tables", "xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx),
    "csv": PackFormat("CSV tables (zip)", "zip", "application/zip", render_csv_zip),
}
DEFAULT_FORMATS = ("pptx", "html", "xlsx")


@dataclass(frozen=True)
class PackFile:
    """A stored file of a pack, ready to hand over."""

    file_name: str
    mime: str
    content: bytes


def file_name(content: PackContent, file_format: str) -> str:
    """E.g. 'management-pack-2026-Q3.pptx'; '-so-far' for a partial period, '-filtered' with filters set."""
    parts = ["management-pack", content.period.key]
    if content.partial:
        parts.append("so-far")
    if content.filters.group_ids or content.filters.service_ids:
        parts.append("filtered")
    return "-".join(parts) + f".{PACK_FORMATS[file_format].extension}"


def save_pack(store: Store, content: PackContent, texts: PackTexts, actor: Account,
              formats: tuple[str, ...] = DEFAULT_FORMATS, now: dt.datetime | None = None) -> int:
    """Render ``content`` with the lead's ``texts`` in each of ``formats`` and store the files; the new pack's id.

    Raises ValidationError naming each problem: no author, an unknown format, texts too long, too many
    comments, or a comment the pack may not quote (see :func:`infodash.pack.check_texts`).
    """
    require(actor, "viewer", "make packs")
    author = actor.name.strip()
    errors: dict[str, str] = {}
    check_author(author, errors)
    if not formats or set(formats) - set(PACK_FORMATS):
        errors["formats"] = f"Choose formats among {', '.join(PACK_FORMATS)}."
    try:
        check_texts(content, texts)
    except ValidationError as problems:
        errors |= problems.errors
    if errors:
        raise ValidationError(errors)
    made_at = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(content.time_zone))
    pack = ManagementPack(content, PackTexts(texts.achievements.strip(), texts.plans.strip(), texts.comment_ids),
                          author.strip(), made_at)
    files = {file_format: PACK_FORMATS[file_format].render(pack) for file_format in formats}
    with store.writing() as db:
        [(pack_id,)] = db.execute("""
            INSERT INTO management_packs (period_key, period_label, first_day, end_day, partial, group_ids, service_ids,
                                          scope, achievements, plans, comment_ids, judged_at, created_by, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING pack_id
        """, [content.period.key, content.title, content.covered.start, content.covered.end, content.partial,
              list(content.filters.group_ids), list(content.filters.service_ids), content.scope,
              pack.texts.achievements, pack.texts.plans, list(texts.comment_ids), content.judged_at, pack.made_by,
              made_at]).fetchall()
        db.executemany("INSERT INTO management_pack_files VALUES (?, ?, ?, ?)",
                       [(pack_id, file_format, file_name(content, file_format), data)
                        for file_format, data in files.items()])
        audit.record(db, pack.made_by, "generate", "management_packs", pack_id,
                     {"period": content.period.key, "formats": list(formats), "groups": list(content.filters.group_ids),
                      "services": list(content.filters.service_ids)})
    return pack_id


def generate_pack(store: Store, period: ReportingPeriod, time_zone: ZoneInfo, filters: Filters, texts: PackTexts,
                  actor: Account, formats: tuple[str, ...] = DEFAULT_FORMATS, now: dt.datetime | None = None) -> int:
    """:func:`~infodash.pack.pack_content` then :func:`save_pack`: the command line's one call."""
    now = now or dt.datetime.now(dt.UTC)
    return save_pack(store, pack_content(store, period, time_zone, filters, now), texts, actor, formats, now)


def saved_packs(store: Store, limit: int = 200) -> pd.DataFrame:
    """Packs made earlier, newest first: pack_id, period_key, period_label, partial, group_ids, service_ids, scope
    (the filters in words), created_by, created_at, formats (a list), achievements, plans, comment_ids."""
    with store.reading() as db:
        return db.execute("""
            SELECT p.pack_id, p.period_key, p.period_label, p.partial, p.group_ids, p.service_ids, p.scope,
                   p.created_by, p.created_at, list(f.format ORDER BY f.format) AS formats, p.achievements, p.plans,
                   p.comment_ids
            FROM management_packs p JOIN management_pack_files f USING (pack_id)
            GROUP BY ALL ORDER BY p.created_at DESC, p.pack_id DESC LIMIT ?
        """, [limit]).df()


def saved_pack_file(store: Store, pack_id: int, file_format: str) -> PackFile | None:
    """The stored ``file_format`` file of pack ``pack_id``, or None if that pack has no such file."""
    with store.reading() as db:
        row = db.execute("SELECT file_name, content FROM management_pack_files WHERE pack_id = ? AND format = ?",
                         [pack_id, file_format]).fetchone()
    return None if row is None else PackFile(row[0], PACK_FORMATS[file_format].mime, bytes(row[1]))

"""What goes to paper: the handbook PDF and the drill binders, as jobs for the print engine."""

from __future__ import annotations

from pathlib import Path

from generator.errors import UsageError, error
from generator.model import FirmData
from generator.printing.book import (
    PrintJob,
    PrintPage,
    Progress,
    assemble,
    binder_job,
    handbook_job,
    render_pdf,
)


def print_css(*roots: Path) -> str:
    """The print style sheet: the firm's override when there is one, else the default."""
    for root in roots:
        css = root / "print" / "handbook.css"
        if css.is_file():
            return css.read_text(encoding="utf-8")
    return ""


def print_jobs(
    firm: FirmData, pages: list[PrintPage], drill: str | None = None, year: int | None = None
) -> list[PrintJob]:
    """The whole handbook, plus a drill binder for one drill or for every drill of a year."""
    jobs = [handbook_job(firm, pages)]
    if drill is not None:
        if not any(d.id == drill for d in firm.drills):
            known = "、".join(d.id for d in firm.drills)
            raise UsageError(
                [
                    error(
                        "unknown-drill",
                        f"沒有識別碼為「{drill}」的演練",
                        None,
                        f"已有的演練：{known}",
                    )
                ]
            )
        jobs.append(binder_job(firm, pages, [drill], drill))
    if year is not None:
        ids = [d.id for d in firm.drills if d.date.year == year]
        if not ids:
            raise UsageError([error("no-drills-in-year", f"{year} 年沒有任何演練", None)])
        jobs.append(binder_job(firm, pages, ids, str(year)))
    return jobs


def download_list(firm: FirmData) -> list[dict[str, str]]:
    """The PDFs a build with PDFs offers on the home page: the handbook and a binder per year."""
    years = sorted({d.date.year for d in firm.drills})
    items = [{"title": "整本手冊（PDF）", "dest": "downloads/handbook.pdf", "job": "handbook"}]
    items += [
        {"title": f"{y} 年演練手冊（PDF）", "dest": f"downloads/binder-{y}.pdf", "job": str(y)}
        for y in years
    ]
    return items


def render_downloads(
    firm: FirmData, pages: list[PrintPage], css: str, base: Path, progress: Progress | None
) -> dict[str, bytes]:
    """Every PDF of ``download_list``, by where it goes in the site."""
    files: dict[str, bytes] = {}
    for item in download_list(firm):
        if item["job"] == "handbook":
            job = handbook_job(firm, pages)
        else:
            ids = [d.id for d in firm.drills if d.date.year == int(item["job"])]
            job = binder_job(firm, pages, ids, item["job"])
        data, _ = render_pdf(assemble(firm, job, css), base, named(progress, job.name))
        files[item["dest"]] = data
    return files


def named(progress: Progress | None, name: str) -> Progress | None:
    """``progress`` reporting stages as ``<job name>:<stage>``."""
    if progress is None:
        return None
    report = progress

    def report_named(stage: str, done: int, total: int | None) -> None:
        report(f"{name}:{stage}", done, total)

    return report_named

"""The offline bundle: one zip with the file:// site, contact lists, PDFs and a SHA-256 manifest."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Location, OutputError, display_path, error
from generator.labels import label
from generator.model import FirmData, Phone
from generator.outputs import OutputKind, check_output
from generator.pipeline import Generated, build_checked, generate
from generator.project import Project
from generator.write import staged_dir

MANIFEST = "SHA256SUMS"
COMMAND = "bundle"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def bundle_name(firm: FirmData) -> str:
    """``bcp-handbook-2026.2``: the zip's top folder (ASCII, so every unzip tool keeps it)."""
    edition = _SAFE.sub("-", firm.firm.edition.number).strip("-") or "draft"
    return f"bcp-handbook-{edition}"


def _phones(phones: Iterable[Phone]) -> str:
    """Phones as one cell; private numbers are left out, as on the intranet site."""
    shown = []
    for phone in phones:
        if phone.private:
            continue
        ext = f" 分機 {phone.ext}" if phone.ext else ""
        shown.append(f"{label('phone', phone.kind)} {phone.number}{ext}")
    return "；".join(shown)


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    # UTF-8 with BOM: spreadsheet programs on Windows then read the Chinese correctly.
    return buffer.getvalue().encode("utf-8-sig")


def contact_lists(firm: FirmData) -> dict[str, bytes]:
    """Staff and external contacts as CSV files, readable without a browser."""
    roles: dict[str, list[str]] = {}
    for team in firm.organisation.teams:
        for role in team.roles:
            roles.setdefault(role.person, []).append(f"{team.name}／{role.title}")
            for deputy in role.deputies:
                roles.setdefault(deputy, []).append(f"{team.name}／{role.title}（代理人）")
    people = [["姓名", "職稱", "部門", "任務編組角色", "電話", "電子郵件", "最後確認日"]]
    for person in firm.people:
        people.append(
            [
                person.name,
                person.title,
                person.department,
                "；".join(roles.get(person.id, [])),
                _phones(person.phones),
                person.email or "",
                person.last_verified.isoformat() if person.last_verified else "",
            ]
        )
    parties = [["名稱", "類別", "用途", "電話", "電子郵件", "最後確認日"]]
    for party in firm.parties:
        parties.append(
            [
                party.name,
                label("party_kind", party.kind),
                party.purpose or "",
                _phones(party.phones),
                party.email or "",
                party.last_verified.isoformat() if party.last_verified else "",
            ]
        )
    return {"contacts/people.csv": _csv(people), "contacts/parties.csv": _csv(parties)}


def _start_page(firm: FirmData) -> bytes:
    title = f"{firm.firm.name} {firm.firm.edition.title or '業務持續計畫手冊'}"
    return (
        '<!doctype html>\n<html lang="zh-TW">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_html(title)}</title>\n"
        '<meta http-equiv="refresh" content="0; url=site/index.html">\n</head>\n<body>\n'
        f'<p><a href="site/index.html">開啟{_html(title)}</a></p>\n</body>\n</html>\n'
    ).encode()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _readme(firm: FirmData, pdfs: list[str]) -> bytes:
    info = firm.firm
    pdf_line = "、".join(pdfs) if pdfs else "（本次未附 PDF）"
    lines = [
        f"{info.name} {info.edition.title or '業務持續計畫手冊'} 第 {info.edition.number} 版（離線版）",
        f"機密等級：{info.classification}",
        "",
        "開啟方式：解壓縮到任何資料夾後，以瀏覽器開啟 index.html（或 site/index.html）。",
        "不需網路、不需安裝軟體；全文搜尋可用。離線版沒有版本選單，請以本檔案的版次為準。",
        "",
        "內容：",
        "  site/       手冊網站",
        "  contacts/   聯絡名冊 people.csv（人員）、parties.csv（外部單位），可用試算表開啟",
        f"  pdf/        手冊 PDF：{pdf_line}",
        f"  {MANIFEST}   每個檔案的 SHA-256 雜湊值",
        "",
        f"驗證檔案未被竄改：在本資料夾執行 sha256sum -c {MANIFEST}",
        "（Windows：certutil -hashfile <檔案> SHA256，與清單比對）",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8-sig")


def manifest(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` format: ``<hex>  <path>``, one line per file, sorted by path."""
    lines = [f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files)]
    return "".join(lines).encode("utf-8")


def bundle_files(site: Path, firm: FirmData, pdfs: list[Path]) -> dict[str, bytes]:
    """Every file of the bundle (path inside the top folder → content), manifest included."""
    files: dict[str, bytes] = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            files[f"site/{path.relative_to(site).as_posix()}"] = path.read_bytes()
    files.update(contact_lists(firm))
    for pdf in pdfs:
        files[f"pdf/{pdf.name}"] = pdf.read_bytes()
    files["index.html"] = _start_page(firm)
    files["README.txt"] = _readme(firm, [pdf.name for pdf in pdfs])
    files[MANIFEST] = manifest(files)
    return files


def _timestamp() -> tuple[int, int, int, int, int, int]:
    """Zip entry time: SOURCE_DATE_EPOCH when set (reproducible bundles), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    when = max(when, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def write_zip(out: Path, top: str, files: Mapping[str, bytes]) -> None:
    """Write the zip atomically: a failure leaves any earlier bundle at ``out`` untouched."""
    stamp = _timestamp()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
                for name in sorted(files):
                    info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, files[name])
            Path(tmp).replace(out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        shown = display_path(out)
        issue = error("io", f"無法寫入離線包「{shown}」：{exc.strerror or exc}", Location(shown))
        raise OutputError([issue]) from exc


def is_bundle(path: Path) -> bool:
    """True when ``path`` is an offline bundle this command wrote: a zip holding one
    ``bcp-handbook-…/`` folder with its SHA-256 manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) != 1 or not (top := tops.pop()).startswith("bcp-handbook-"):
        return False
    return f"{top}/{MANIFEST}" in names


@dataclass
class Bundled:
    """The result of ``handbook bundle``."""

    generated: Generated
    path: Path
    files: int
    pdfs: list[str]


def bundle(project: Project, out: Path | None = None) -> Bundled:
    """Build the file:// profile into ``build/offline-site`` and pack it into one zip; a named
    ``out`` is checked before anything is written (it must not be or hold an input)."""
    if out is not None:
        check_output(project, out, OutputKind.FILE, COMMAND, previous=is_bundle)
    result = generate(project)
    with staged_dir(project.offline_site) as staging:
        build_checked(project, result, staging, offline=True)
    pdfs = sorted(project.pdf_dir.glob("*.pdf")) if project.pdf_dir.is_dir() else []
    firm = result.loaded.firm
    files = bundle_files(project.offline_site, firm, pdfs)
    top = bundle_name(firm)
    path = out if out is not None else project.build / f"{top}-offline.zip"
    write_zip(path, top, files)
    return Bundled(result, path, len(files), [p.name for p in pdfs])

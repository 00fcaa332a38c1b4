"""CSV and xlsx as spreadsheets and pandas read them: date-times, Urdu, headers of
empty results, the formula guard, one trend table. LibreOffice headless opens the
files when it is installed (.ci/run installs it)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import add_article

from monitor.render import rows as output

pd = pytest.importorskip("pandas", reason="pandas is in the test extra")

URDU = "طالبان اور پاکستان کے درمیان مذاکرات"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
)


@pytest.fixture
def data(db):
    db["stories"].insert(
        {"slug": "pakistan-taliban", "name": "P", "created_at": "x", "updated_at": "x"}
    )
    for url, title, text, when in [
        ("https://a/1", URDU, "مذاکرات دوبارہ شروع", "2025-11-20T03:15:00Z"),
        ("https://a/2", "-Minus Source", "-5 and +92 300 1234567", "2025-11-21T10:00:00Z"),
        ("https://a/3", '=HYPERLINK("http://evil")', "@SUM(A1)", "2025-11-22T12:30:45Z"),
    ]:
        add_article(
            db,
            url,
            title,
            text,
            story="pakistan-taliban",
            published=when,
            observed=when,
        )
    return db


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ("=1+1", True),
        ('=HYPERLINK("http://evil")', True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("@SUM(A1)", True),
        ("+A1", True),
        ("-1+1", True),
        ("\tsecret", True),
        ("-5", False),
        ("-3.5", False),
        ("-Minus Source", False),
        ("- a dash-led line", False),
        ("+92 300 1234567", False),
        ("@dawn_com said", False),
        ("=", False),
        ("", False),
    ],
)
def test_only_cells_a_spreadsheet_runs_are_guarded(cell, formula):
    assert output.is_formula(cell) is formula
    assert output.csv_safe(cell) == ("'" + cell if formula else cell)


def test_timestamps_for_spreadsheets():
    assert output.utc_column("published_at") == "published_utc"
    assert output.utc_column("title") == "title"
    assert output.utc_cell("2025-11-20T03:15:00Z") == "2025-11-20 03:15:00"
    assert output.utc_cell("2025-11-20T03:15Z") == "2025-11-20 03:15:00"
    assert output.utc_cell("2025-11-20T03:15:00.123+00:00") == "2025-11-20 03:15:00"
    assert output.utc_cell("2025-11-20") == "2025-11-20"  # a date stays a date
    assert output.utc_cell("2025-11-20T03:15:00+05:00") == "2025-11-20T03:15:00+05:00"


def test_list_csv_with_no_rows_has_a_header_pandas_reads(db, invoke):
    result = invoke("list", "--csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("id,")
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert len(frame) == 0
    assert {"id", "title", "published_utc", "dated_utc"} <= set(frame.columns)


def test_list_csv_dates_parse_and_text_is_untouched(data, invoke):
    result = invoke("list", "--csv")
    frame = pd.read_csv(io.StringIO(result.stdout), parse_dates=["published_utc"])
    assert str(frame["published_utc"].dtype).startswith("datetime64")
    assert pd.Timestamp("2025-11-20 03:15:00") in set(frame["published_utc"])
    titles = set(frame["title"])
    assert URDU in titles
    assert "-Minus Source" in titles  # text no spreadsheet runs keeps its value
    assert '\'=HYPERLINK("http://evil")' in titles
    raw = invoke("list", "--csv", "--no-safe", "--bom")
    assert raw.stdout_bytes.startswith(b"\xef\xbb\xbfid,")
    assert '=HYPERLINK("http://evil")' in set(pd.read_csv(io.BytesIO(raw.stdout_bytes))["title"])


def test_export_and_list_write_the_same_timestamps(data, invoke):
    exported = pd.read_csv(io.StringIO(invoke("export", "articles").stdout))
    listed = pd.read_csv(io.StringIO(invoke("list", "--csv").stdout))
    assert "2025-11-22 12:30:45" in set(exported["published_utc"])
    assert set(exported["published_utc"]) == set(listed["published_utc"])


def test_xlsx_is_a_typed_workbook(data, invoke, tmp_path):
    pytest.importorskip("openpyxl", reason="openpyxl is the xlsx extra")
    target = tmp_path / "articles.xlsx"
    result = invoke("export", "articles", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    frame = pd.read_excel(target)
    assert str(frame["published_utc"].dtype).startswith("datetime64")
    assert pd.Timestamp("2025-11-20 03:15:00") in set(frame["published_utc"])
    assert URDU in set(frame["title"])
    assert '=HYPERLINK("http://evil")' in set(frame["title"])  # no guard needed: a string

    import openpyxl

    sheet = openpyxl.load_workbook(target).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # no formula anywhere
    assert any(c.value == "@SUM(A1)" and c.data_type == "s" for c in cells)


def test_xlsx_of_nothing_still_has_its_header(db, invoke, tmp_path):
    pytest.importorskip("openpyxl", reason="openpyxl is the xlsx extra")
    target = tmp_path / "edits.xlsx"
    assert invoke("export", "edits", "--format", "xlsx", "-o", str(target)).exit_code == 0
    frame = pd.read_excel(target)
    assert len(frame) == 0 and "observed_utc" in frame.columns


def test_themes_csv_is_the_theme_trends_export(data, invoke):
    v = {r["article_id"]: r["id"] for r in data.query("select id, article_id from versions")}
    data["themes"].insert({"story": "pakistan-taliban", "slug": "talks", "label": "Talks"})
    data["version_themes"].insert_all(
        [
            {"version_id": i, "story": "pakistan-taliban", "theme": "talks", "score": 3.0}
            for i in v.values()
        ]
    )
    for by in ("day", "week", "month"):
        themes = invoke("themes", "--csv", "--by", by).stdout
        export = invoke("export", "theme-trends", "--by", by).stdout
        assert themes == export
    frame = pd.read_csv(io.StringIO(invoke("themes", "--csv", "--by", "week").stdout))
    assert list(frame.columns) == [
        "period",
        "period_start",
        "story",
        "theme",
        "label",
        "articles",
        "mean_score",
    ]
    assert list(frame["period"]) == ["2025-W47"]
    assert list(frame["period_start"]) == ["2025-11-17"]
    assert list(frame["articles"]) == [3]


def _soffice(tmp_path: Path, target: str, source: Path, infilter: str | None = None) -> Path:
    ext = target.split(":")[0]
    out = tmp_path / f"lo-{ext}"
    args = [
        str(SOFFICE),
        f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
        "--headless",
    ]
    if infilter:
        args.append(f"--infilter={infilter}")
    args += ["--convert-to", target, "--outdir", str(out), str(source)]
    subprocess.run(args, check=True, capture_output=True, timeout=120)
    converted = out / f"{source.stem}.{ext}"
    assert converted.exists()
    return converted


@needs_soffice
@pytest.mark.slow
def test_libreoffice_reads_the_csv_dates_as_date_times(data, invoke, tmp_path):
    pytest.importorskip("openpyxl", reason="openpyxl reads LibreOffice's workbook back")
    import openpyxl

    source = tmp_path / "articles.csv"
    source.write_bytes(invoke("list", "--csv", "--bom").stdout_bytes)
    # UTF-8 (76), as a user picks in the import dialog; the BOM is then dropped
    book = _soffice(tmp_path, "xlsx", source, infilter="CSV:44,34,76,1")
    sheet = openpyxl.load_workbook(book).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[0] == "id"
    published = header.index("published_utc")
    from datetime import datetime

    assert datetime(2025, 11, 20, 3, 15) in {r[published] for r in rows[1:]}
    titles = {r[header.index("title")] for r in rows[1:]}
    assert URDU in titles and "-Minus Source" in titles
    assert '\'=HYPERLINK("http://evil")' in titles  # guarded: text, not a formula
    raw = tmp_path / "raw.csv"
    raw.write_bytes(invoke("list", "--csv", "--no-safe").stdout_bytes)
    raw_book = openpyxl.load_workbook(_soffice(tmp_path, "xlsx", raw, infilter="CSV:44,34,76,1"))
    cells = [c for row in raw_book.active.iter_rows() for c in row]
    # what the guard is for: unguarded, LibreOffice runs the cell as a formula
    assert any(c.data_type == "f" and "HYPERLINK" in str(c.value) for c in cells)
    assert "-Minus Source" in {c.value for c in cells}  # and leaves this text alone


@needs_soffice
@pytest.mark.slow
def test_libreoffice_opens_the_xlsx_with_urdu_and_dates(data, invoke, tmp_path):
    pytest.importorskip("openpyxl", reason="openpyxl is the xlsx extra")
    book = tmp_path / "articles.xlsx"
    assert invoke("export", "articles", "--format", "xlsx", "-o", str(book)).exit_code == 0
    # back to CSV through LibreOffice (UTF-8 out, 76): what it shows is what it read
    text = _soffice(tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76", book).read_text(
        encoding="utf-8"
    )
    assert URDU in text
    assert "2025-11-20 03:15:00" in text
    assert '=HYPERLINK(""http://evil"")' in text  # shown as the text it is, not run

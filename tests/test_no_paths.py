"""Issue 33: no path of the machine in any output. Files given by an absolute path, from another
working directory, are named in documents and records by their own names (a reference or an
evidence file by its path relative to the submission's folder); hashes stay."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipscore.cli import cli

from .conftest import ROOT, SCENARIOS

# A machine path in an output: where the files lie, where the checkout is, any usual root.
# ("/work/" with its slash: the word "</workbook>" of every .xlsx is no path.)
MACHINE = ("/work/", "/tmp/", "/home/", "/root/", "/Users/")


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Wuhan (with an evidence file in a subfolder) and Xiangtan in one folder, the northeast
    cities with their reference file in another, a batch table; and a working directory apart
    from all of them."""
    root = tmp_path_factory.mktemp("machine")
    cities = root / "inputs" / "cities"
    (cities / "材料").mkdir(parents=True)
    (cities / "材料" / "规划.pdf").write_bytes(b"%PDF-1.4 plan\n")
    wuhan = (SCENARIOS / "wuhan-2015.yaml").read_text(encoding="utf-8")
    wuhan += "evidence:\n  T1.R2:\n    - title: 武汉市知识产权规划\n      file: 材料/规划.pdf\n"
    (cities / "wuhan-2015.yaml").write_text(wuhan, encoding="utf-8")
    shutil.copy(SCENARIOS / "xiangtan-2015.yaml", cities)
    northeast = root / "inputs" / "northeast"
    shutil.copytree(SCENARIOS / "northeast-2017-opinions", northeast)
    table = root / "inputs" / "各县区自评.csv"
    shutil.copy(ROOT / "tests" / "points" / "各县区自评.csv", table)
    here = root / "elsewhere"
    here.mkdir()
    return {"root": root, "cities": cities, "northeast": northeast, "table": table, "here": here}


def run(place: dict[str, Path], monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(place["here"])
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def text_of(path: Path) -> str:
    """An output's text: a .docx or .xlsx unzipped, a PDF through pdftotext."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return path.read_text(encoding="utf-8")


def no_machine_path(text: str, place: dict[str, Path], what: str) -> None:
    for path in (str(place["root"]), str(ROOT), *MACHINE):
        assert path not in text, f"{what} names {path}"


def test_a_city_by_its_absolute_path_is_named_by_its_own_name(place, monkeypatch):
    wuhan = str(place["cities"] / "wuhan-2015.yaml")
    for suffix in (".md", ".html", ".docx"):
        out = place["here"] / f"武汉{suffix}"
        run(place, monkeypatch, "report", wuhan, "-o", str(out), "--no-timestamp")
        text = text_of(out)
        no_machine_path(text, place, out.name)
        assert "wuhan-2015.yaml" in text
    for form in ("json", "csv", "table"):
        no_machine_path(run(place, monkeypatch, "assess", wuhan, "--format", form), place, form)
    result = json.loads(run(place, monkeypatch, "assess", wuhan, "--format", "json"))
    provenance = result["provenance"]
    raw = (place["cities"] / "wuhan-2015.yaml").read_bytes()
    assert (provenance["input"], provenance["input_sha256"]) == (
        "wuhan-2015.yaml",
        hashlib.sha256(raw).hexdigest(),
    )
    assert result["source"] == "wuhan-2015.yaml"
    # The evidence file by its path in the submission's folder, with its hash.
    assert provenance["attachments"] == [
        {"file": "材料/规划.pdf", "sha256": hashlib.sha256(b"%PDF-1.4 plan\n").hexdigest()}
    ]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_a_city_pdf_names_no_machine_path(place, monkeypatch):
    out = place["here"] / "武汉.pdf"
    wuhan = str(place["cities"] / "wuhan-2015.yaml")
    run(place, monkeypatch, "report", wuhan, "-o", str(out), "--pdf-engine", "weasyprint")
    text = text_of(out)
    no_machine_path(text, place, out.name)
    assert "wuhan-2015.yaml" in text


def test_a_folder_by_its_absolute_path_names_its_files_within_it(place, monkeypatch):
    cities = str(place["cities"])
    for suffix in (".md", ".docx"):
        out = place["here"] / f"汇总{suffix}"
        run(place, monkeypatch, "report", cities, "-o", str(out), "--no-timestamp")
        no_machine_path(text_of(out), place, out.name)
        for each in (place["here"] / "汇总-cities").iterdir():
            no_machine_path(text_of(each), place, each.name)
    out = place["here"] / "scores.xlsx"
    run(place, monkeypatch, "assess", cities, "--format", "xlsx", "-o", str(out))
    no_machine_path(text_of(out), place, out.name)
    cohort = json.loads(run(place, monkeypatch, "assess", cities, "--format", "json"))
    assert [c["provenance"]["input"] for c in cohort] == ["wuhan-2015.yaml", "xiangtan-2015.yaml"]
    for form in ("jsonl", "csv", "table"):
        no_machine_path(run(place, monkeypatch, "assess", cities, "--format", form), place, form)
    # Several processes name them alike.
    jobs = run(place, monkeypatch, "assess", cities, "--format", "csv", "--jobs", "2")
    no_machine_path(jobs, place, "--jobs 2")


def test_a_reference_file_is_named_within_the_folder_given(place, monkeypatch):
    out = run(place, monkeypatch, "assess", str(place["northeast"]), "--format", "json")
    no_machine_path(out, place, "json")
    jilin = next(c for c in json.loads(out) if c["provenance"]["input"] == "jilin-2017.yaml")
    assert [r["file"] for r in jilin["provenance"]["references"]] == [
        "reference/national-2017.yaml"
    ]


def test_a_table_names_its_rows_by_its_own_name(place, monkeypatch):
    out = run(place, monkeypatch, "assess", str(place["table"]), "--format", "json")
    no_machine_path(out, place, "json")
    assert {c["source"] for c in json.loads(out)} == {"各县区自评.csv第2行", "各县区自评.csv第3行"}


def test_the_archive_and_what_is_made_from_it_name_no_machine_path(place, monkeypatch):
    db = "archive.sqlite"  # relative to the working directory: a path the user typed
    run(place, monkeypatch, "archive", "add", str(place["cities"]), "--db", db)
    earlier = place["root"] / "inputs" / "earlier"
    shutil.copytree(SCENARIOS / "earlier-years", earlier)
    run(place, monkeypatch, "archive", "add", str(earlier), "--db", db)
    outputs = {
        "archive list": run(place, monkeypatch, "archive", "list", "--all", "--db", db),
        "archive show": run(place, monkeypatch, "archive", "show", "武汉市", "2015", "--db", db),
        "history": run(place, monkeypatch, "history", "武汉市", "--db", db),
        "history json": run(
            place, monkeypatch, "history", "武汉市", "--db", db, "--format", "json"
        ),
        "review": run(
            place, monkeypatch, "review", "--years", "2013-2015", "--db", db, "--format", "json"
        ),
    }
    export = place["here"] / "export.jsonl"
    run(place, monkeypatch, "archive", "export", "--db", db, "-o", str(export))
    outputs["export"] = export.read_text(encoding="utf-8")
    for suffix in (".md", ".xlsx"):
        published = place["here"] / f"公布{suffix}"
        run(
            place,
            monkeypatch,
            *("publish", "--year", "2015", "--score", "declared", "--with-scores"),
            *("--db", db, "-o", str(published)),
        )
        outputs[published.name] = text_of(published)
    reviewed = place["here"] / "复核.md"
    run(place, monkeypatch, "review", "--years", "2013-2015", "--db", db, "-o", str(reviewed))
    outputs[reviewed.name] = text_of(reviewed)
    for what, text in outputs.items():
        no_machine_path(text, place, what)
    assert "wuhan-2015.yaml" in outputs["archive show"]
    sources = {json.loads(line).get("source") for line in outputs["export"].splitlines()}
    assert {"wuhan-2015.yaml", "xiangtan-2015.yaml", "wuhan-2014.yaml"} <= sources

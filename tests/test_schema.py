"""`ipscore schema`: the JSON Schema a provincial system checks a city's file against before
sending it. It must take every shipped scenario and refuse every YAML and JSON file of the
bad-input corpus (the spreadsheets there are the sheet readers' business: a schema describes a
document, not a workbook), and a result must fit the result schema."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ipscore.errors import InputError, IpscoreError
from ipscore.packs import find_pack
from ipscore.yamlio import load_document

from .conftest import ROOT, SCENARIOS

BAD = ROOT / "tests" / "bad_inputs"


def schema(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "schema", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def decimals(validator: Any, most: int, instance: Any, schema: dict[str, Any]) -> Any:
    """`x-decimals`, as the schema's module says a checker reads it: the number's own digits."""
    if isinstance(instance, (int, float, Decimal)) and not isinstance(instance, bool):
        exponent = Decimal(str(instance)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > most:
            yield jsonschema.ValidationError(f"{instance} has more than {most} decimals")


# Draft 2020-12 with ipscore's one keyword of its own.
Checker = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"x-decimals": decimals})
_SCHEMAS: dict[tuple[str, ...], Any] = {}


def validator(*args: str) -> Any:
    if args not in _SCHEMAS:
        found = schema(*args)
        jsonschema.Draft202012Validator.check_schema(found)
        # Formats asserted, as a careful consumer does: a "date" is a day there is.
        _SCHEMAS[args] = Checker(
            found, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
    return _SCHEMAS[args]


def as_json(data: Any) -> Any:
    """A YAML document as a JSON body would carry it: dates as text."""
    if isinstance(data, dict):
        return {str(k): as_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_json(v) for v in data]
    if hasattr(data, "isoformat"):
        return data.isoformat()
    return data


def _broken(data: Any) -> bool:
    if isinstance(data, dict):
        return any(_broken(v) for v in data.values())
    if isinstance(data, list):
        return any(_broken(v) for v in data)
    return isinstance(data, Decimal) and not data.is_finite()


def errors_of(path: Path, year: int | None = None) -> list[str] | None:
    """The schema's complaints about a file, against the schema of the pack it names; None
    where it is not even a JSON document (it does not parse, or holds a NaN)."""
    try:
        data, _ = load_document(path, InputError)
    except (IpscoreError, RecursionError):
        return None
    if _broken(data):
        return None
    named = data.get("pack") if isinstance(data, dict) else None
    try:
        pack = find_pack(named).id if isinstance(named, str) else "cnipa-2015-demo-city"
    except IpscoreError:
        pack = "cnipa-2015-demo-city"
    args = ("--pack", pack) + (("--year", str(year)) if year else ())
    return [e.message for e in validator(*args).iter_errors(as_json(data))]


SUBMISSIONS = sorted(
    p
    for p in SCENARIOS.rglob("*")
    if p.suffix in (".yaml", ".json")
    and not p.name.endswith((".whatif.yaml", ".season.yaml"))
    and "reference" not in p.parts
    and "demo" not in p.parts  # the scripted season's accounts
)


@pytest.mark.parametrize("path", SUBMISSIONS, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_shipped_scenario_fits_its_pack_schema(path: Path):
    year = 2014 if path.parent.name == "earlier-years" else None  # figures of an earlier year
    assert errors_of(path, year) == []


DOCUMENTS = sorted(p for p in BAD.iterdir() if p.suffix in (".yaml", ".json"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_bad_document_is_refused(path: Path):
    found = errors_of(path)
    assert found is None or found != []


def test_the_corpus_is_all_covered():
    """Every bad input is a document checked above or a table; none is forgotten."""
    tables = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx")}
    files = [p for p in BAD.iterdir() if p.is_file()]  # season/: season files, not submissions
    assert len(DOCUMENTS) + len(tables) == len(files)
    assert len(DOCUMENTS) >= 25


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("city_staff", -2, "-2 is not valid under any of the given schemas"),
        ("city_staff", 2.5, "2.5 is not valid under any of the given schemas"),
        ("city_staff", "3人", "'3人' is not valid under any of the given schemas"),
        ("city_staff", True, "True is not valid under any of the given schemas"),
    ],
)
def test_a_count_is_a_whole_number_of_at_least_zero(name: str, value: Any, message: str):
    document = {
        "pack": "cnipa-2015-demo-city",
        "year": 2015,
        "city": {"name": "湘潭市", "level": "prefecture", "batch": 3, "counties": 5},
        "facts": {"enforcement": {name: value}},
    }
    found = [e.message for e in validator("--pack", "cnipa-2015-demo-city").iter_errors(document)]
    assert found == [message]
    document["facts"]["enforcement"][name] = 3  # type: ignore[index]
    assert list(validator("--pack", "cnipa-2015-demo-city").iter_errors(document)) == []


def test_an_amount_keeps_the_decimals_its_field_allows():
    """Pledge financing is in 万元 with four decimals (T4.R2's 7799.9999 in wuhan-2015.yaml):
    7799.9999 fits, 7799.99999 does not, as written (`x-decimals`)."""
    found = schema("--pack", "cnipa-2015-demo-city")
    amount = found["properties"]["facts"]["properties"]["finance"]["properties"]["pledge_amount"]
    assert amount["title"] == "2015年专利权质押融资金额（万元）"
    assert amount["anyOf"][0]["x-decimals"] == 4 and "multipleOf" not in amount["anyOf"][0]
    check = validator("--pack", "cnipa-2015-demo-city")
    base = {"pack": "cnipa-2015-demo-city", "city": {"name": "武汉市", "level": "prefecture",
            "batch": 1, "counties": 13}}  # fmt: skip
    fits = {**base, "facts": {"finance": {"pledge_amount": Decimal("7799.9999")}}}
    too_fine = {**base, "facts": {"finance": {"pledge_amount": Decimal("7799.99999")}}}
    assert list(check.iter_errors(fits)) == []
    assert len(list(check.iter_errors(too_fine))) == 1


def test_a_plain_validator_takes_figures_with_their_decimals_as_floats():
    """A province's system with a validator that knows no `x-decimals`, reading JSON numbers as
    floats: the strength scenarios' populations (1061.6, 1137.87 万人) and 0.07 pass, as the
    readers take them (`multipleOf: 0.01` refused them: 0.07 / 0.01 is not whole in floats)."""
    plain = jsonschema.Draft202012Validator(schema("--pack", "cnipa-2015-strength"))
    for name in ("suzhou-2015.yaml", "shenzhen-2015.yaml"):
        data, _ = load_document(SCENARIOS / "strength-2015" / name, InputError)
        as_floats = json.loads(json.dumps(as_json(data), default=float))
        assert list(plain.iter_errors(as_floats)) == [], name


def test_a_result_fits_the_result_schema(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "assess", "scenarios/wuhan-2015.yaml", "--format",
         "json", "--no-timestamp", "--db", f"sqlite:///{tmp_path / 'a.db'}"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    result = json.loads(done.stdout)
    check = validator("--pack", "cnipa-2015-demo-city", "--result")
    assert list(check.iter_errors(result)) == []
    result["tasks"][0]["requirements"][0]["status"] = "passed"
    assert [e.message for e in check.iter_errors(result)] == [
        "'passed' is not one of ['met', 'unmet', 'missing', 'not_applicable']"
    ]


def test_an_unknown_pack_is_one_message():
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "schema", "--pack", "cnipa-2099"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert "没有编号为 cnipa-2099 的规则包" in done.stderr and "Traceback" not in done.stderr


def test_a_points_sheet_result_fits_its_schema(tmp_path: Path):
    """Issue 32: a points sheet's result carries its `points` block, which the schema knows."""
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "assess",
         "scenarios/liuan-2017-advanced-unit/jinan-2017.yaml", "--format", "json",
         "--no-timestamp"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    result = json.loads(done.stdout)
    check = validator("--pack", "liuan-2017-advanced-unit", "--result")
    assert list(check.iter_errors(result)) == []
    result["points"]["items"][0]["points"] = "十六"
    assert [e.message for e in check.iter_errors(result)] == [
        "'十六' does not match '^-?\\\\d+(\\\\.\\\\d+)?$'"
    ]

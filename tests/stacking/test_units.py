"""Credit units: sums convert with documented factors, and refuse credits of unknown unit with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet

from skillwallet.errors import InvalidInputError, InvalidPathwayError
from skillwallet.stacking.catalog import load_offerings_toml
from skillwallet.stacking.evaluate import evaluate_pathway
from skillwallet.stacking.model import load_pathway_toml
from skillwallet.stacking.units import convert, parse_unit

from .helpers import AS_OF, cred


def sum_pathway(unit: str | None, minimum: float) -> object:
    unit_line = f'unit = "{unit}"\n' if unit else ""
    return load_pathway_toml(f"""
id = "credits"
name = "Credits"
[requirements.root]
type = "sum"
field = "credits"
min = {minimum}
{unit_line}""")


def course(title, credits, unit=None):
    held = cred(title, credits=credits, achievement_type="Course", tags=[f"credit-unit:{unit}"] if unit else [])
    return held


def test_documented_factors():
    assert convert(3, "US semester hours", "ECTS") == 6
    assert convert(10, "ECTS", "CATS") == 20
    assert convert(3, "US quarter hours", "US semester hours") == pytest.approx(2)
    assert convert(30, "US semester hours", "CATS") == 120
    assert parse_unit("semester hours") == "US semester hours" and parse_unit("creditUnit:QuarterHour") == "US quarter hours"
    assert parse_unit("furlongs") is None


def test_a_sum_converts_into_its_unit():
    # 3 US semester hours (6 ECTS) + 10 CATS (5 ECTS) + 1 ECTS = 12 ECTS
    held = [course("US course", 3, "semester hours"), course("UK module", 10, "CATS"), course("EU course", 1, "ECTS")]
    assert evaluate_pathway(sum_pathway("ECTS", 12), held, as_of=AS_OF).status == "met"
    just_short = evaluate_pathway(sum_pathway("ECTS", 12.5), held, as_of=AS_OF)
    assert just_short.status == "partial" and just_short.tree.detail.startswith("12 of 12.5")


def test_credits_of_unknown_unit_do_not_count_toward_a_sum_with_a_unit():
    held = [course("Mystery course", 30), course("EU course", 5, "ECTS")]
    evaluation = evaluate_pathway(sum_pathway("ECTS", 10), held, as_of=AS_OF)
    assert evaluation.status == "partial"
    assert "not counted (credits of unknown unit; this sum counts ECTS): Mystery course" in evaluation.tree.detail
    # without a unit the sum adds the numbers as before, and says when they mix units
    mixed = evaluate_pathway(sum_pathway(None, 10), [course("A", 5, "ECTS"), course("B", 5, "semester hours")],
                             as_of=AS_OF)
    assert mixed.status == "met" and "different units (ECTS, US semester hours)" in mixed.tree.detail


def test_units_are_validated():
    with pytest.raises(InvalidPathwayError, match=r"requirements.root.unit: expected one of ECTS"):
        sum_pathway("furlongs", 10)
    with pytest.raises(InvalidInputError, match="credit_unit: expected one of ECTS"):
        load_offerings_toml('[[offering]]\nid = "x"\nname = "X"\ncredits = 3\ncredit_unit = "parsecs"\n')
    [offering] = load_offerings_toml('[[offering]]\nid = "x"\nname = "X"\ncredits = 3\ncredit_unit = "semester hours"\n')
    assert offering.credit_unit == "US semester hours"


# --- Europass EDC credits: the unit is the framework concept the credit point names (ELM CreditPoint.framework)

PUBLISHED_EDC = Path(__file__).resolve().parents[1] / "interop" / "fixtures" / "mynextid-edc" / "edc-mc-example.json"
ECTS_CONCEPT = "http://data.europa.eu/snb/education-credit/6fcec5c5af"


def ects_pathway(tmp_path: Path, minimum: float) -> str:
    pathway = tmp_path / f"ects-{minimum:g}.toml"
    pathway.write_text(f"""
id = "ects-{minimum:g}"
name = "{minimum:g} ECTS"
[requirements.root]
type = "sum"
field = "credits"
min = {minimum}
unit = "ECTS"
""")
    assert run(["pathways", "add", str(pathway)]) == ExitCode.OK
    return f"ects-{minimum:g}"


def stack(capsys, goal: str) -> dict:
    capsys.readouterr()
    run(["stack", "--goal", goal, "--as-of", "2026-06-01", "--json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return json.loads(out.out)


@pytest.fixture
def wallet_home(passphrase: str) -> Path:
    home = paths.wallet_home()
    Wallet.init(home, passphrase).close()
    return home


def test_the_published_edc_microcredential_counts_its_5_ects(wallet_home, tmp_path, capsys):
    # MyNextID's microcredential: creditPoint {"point": "5", "framework": {"id": <the EU ECTS concept>}}
    assert run(["add", "--offline", str(PUBLISHED_EDC)]) == ExitCode.OK, capsys.readouterr().err
    met = stack(capsys, ects_pathway(tmp_path, 5))
    assert met["status"] == "met", met["tree"]
    short = stack(capsys, ects_pathway(tmp_path, 6))
    assert short["status"] == "partial" and short["tree"]["detail"].startswith("5 of 6"), short["tree"]


def with_framework(tmp_path: Path, framework: dict) -> Path:
    document = json.loads(PUBLISHED_EDC.read_text())
    spec = document["credentialSubject"]["hasClaim"]["specifiedBy"]
    spec["creditPoint"]["framework"] = framework
    edited = tmp_path / "edc.json"
    edited.write_text(json.dumps(document))
    return edited


def test_an_edc_credit_is_ects_by_its_concept_id_not_by_its_label(wallet_home, tmp_path, capsys):
    # Another concept of the same Europass education-credit scheme, labelled as ECTS by whoever wrote the file:
    # the label is display text, the concept id says which credit system it is. Not counted as ECTS.
    other = {
        "id": "http://data.europa.eu/snb/education-credit/60b314e826",
        "type": "Concept",
        "inScheme": {"id": "http://data.europa.eu/snb/education-credit/25831c2", "type": "ConceptScheme"},
        "prefLabel": {"en": "European Credit Transfer System"},
    }
    assert run(["add", "--offline", str(with_framework(tmp_path, other))]) == ExitCode.OK, capsys.readouterr().err
    result = stack(capsys, ects_pathway(tmp_path, 5))
    assert result["status"] != "met"
    assert "credits of unknown unit" in result["tree"]["detail"], result["tree"]


@pytest.mark.parametrize("framework", [{"id": ECTS_CONCEPT, "type": "Concept"}, ECTS_CONCEPT], ids=["object", "bare-id"])
def test_the_ects_concept_without_a_label_still_counts(framework, wallet_home, tmp_path, capsys):
    assert run(["add", "--offline", str(with_framework(tmp_path, framework))]) == ExitCode.OK, capsys.readouterr().err
    assert stack(capsys, ects_pathway(tmp_path, 5))["status"] == "met"


def test_the_ects_concept_id_is_an_ects_unit_everywhere_a_unit_is_named():
    assert parse_unit(ECTS_CONCEPT) == "ECTS"
    assert parse_unit("http://data.europa.eu/snb/education-credit/60b314e826") is None
    assert parse_unit("European Credit Transfer System") is None  # a label is not an identifier

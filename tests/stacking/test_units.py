"""Credit units: sums convert with documented factors, and refuse credits of unknown unit with a reason."""

from __future__ import annotations

import pytest

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

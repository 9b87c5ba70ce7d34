"""Pathway TOML: round trip and precise messages for every kind of bad input."""

from __future__ import annotations

import pytest

from skillwallet.errors import ExitCode, InvalidPathwayError
from skillwallet.stacking.model import load_pathway_toml, pathway_to_toml

GOOD = """
id = "demo"
name = "Demo"
[occupation]
onet = "15-2051.01"
[policy]
double_counting = false
[[exits]]
id = "half"
name = "Half"
node = "a"
[[transfer]]
match = { issuer = "https://x.example" }
grants = "b"
[requirements.root]
type = "all"
children = ["a", "b"]
[requirements.a]
type = "skill"
skill = ["SQL", "PostgreSQL"]
min_level = 2
[requirements.b]
type = "at_least"
n = 1
at_most = 2
children = ["c", "d"]
[requirements.c]
type = "credential"
achievement_id = "urn:x"
earned_after = 2020-01-01
valid_through = "2026-06-30"
[requirements.d]
type = "sum"
field = "hours"
min = 40
tag = "training"
"""


def test_round_trip_through_tomli_w():
    pathway = load_pathway_toml(GOOD, "demo.toml")
    again = load_pathway_toml(pathway_to_toml(pathway), "again.toml")
    assert pathway_to_toml(again) == pathway_to_toml(pathway)
    assert again.requirements["c"].match.earned_after.year == 2020
    assert again.exits[0].node == "a" and again.transfers[0].grants == "b"


def bad(text: str) -> str:
    with pytest.raises(InvalidPathwayError) as info:
        load_pathway_toml(text, "bad.toml")
    assert info.value.exit_code == ExitCode.INVALID_PATHWAY
    assert "\n" not in info.value.message
    return info.value.message


HEADER = 'id = "x"\nname = "X"\n'


def test_cycle_is_named():
    message = bad(HEADER + """
[requirements.root]
type = "all"
children = ["a"]
[requirements.a]
type = "any"
children = ["b"]
[requirements.b]
type = "all"
children = ["root"]
""")
    assert message.startswith("bad.toml: requirements.") and "cycle" in message and "root -> a -> b -> root" in message


def test_unknown_reference_names_key_path():
    message = bad(HEADER + '[requirements.root]\ntype = "all"\nchildren = ["a", "ghost"]\n'
                           '[requirements.a]\ntype = "skill"\nskill = "SQL"\n')
    assert message == ("bad.toml: requirements.root.children[1]: expected the id of a requirement defined in this "
                       "file, got 'ghost'")


def test_impossible_n_of_m():
    message = bad(HEADER + '[requirements.root]\ntype = "at_least"\nn = 3\nchildren = ["a", "b"]\n'
                           '[requirements.a]\ntype = "skill"\nskill = "SQL"\n[requirements.b]\ntype = "skill"\nskill = "R"\n')
    assert "requirements.root.n" in message and "at least 3 of 2 can never be met" in message
    message = bad(HEADER + '[requirements.root]\ntype = "at_least"\nn = 2\nat_most = 1\nchildren = ["a", "b"]\n'
                           '[requirements.a]\ntype = "skill"\nskill = "SQL"\n[requirements.b]\ntype = "skill"\nskill = "R"\n')
    assert "requirements.root.at_most" in message


def test_malformed_toml_names_the_line():
    message = bad('id = "x"\nname = \n')
    assert message.startswith("bad.toml: not valid TOML:") and "line 2" in message


@pytest.mark.parametrize(
    "body, fragment",
    [
        ('[requirements.root]\ntype = "sometimes"\n', "requirements.root.type: expected one of all"),
        ('[requirements.root]\ntype = "skill"\n', "requirements.root.skill: expected a skill name"),
        ('[requirements.root]\ntype = "count"\nmin = 2.5\ntag = "x"\n', "requirements.root.min: expected a whole"),
        ('[requirements.root]\ntype = "skill"\nskill = "SQL"\ncolour = "red"\n', "requirements.root.colour"),
        ('[requirements.root]\ntype = "skill"\nskill = "SQL"\nmin_level = "wizard"\n', "min_level: expected a number"),
        ('[requirements.root]\ntype = "credential"\n', "at least one match key"),
        ('[requirements.root]\ntype = "all"\nchildren = []\n', "requirements.root.children: expected at least one"),
        ('[requirements.root]\ntype = "sum"\nmin = 3\nfield = "karma"\n', "requirements.root.field"),
        ('[requirements.root]\ntype = "skill"\nskill = "SQL"\nearned_after = "yesterday"\n', "earned_after: expected a date"),
    ],
)
def test_each_bad_requirement_has_a_precise_message(body, fragment):
    assert fragment in bad(HEADER + body)


def test_missing_id_and_requirements():
    assert bad('name = "X"\n[requirements.root]\ntype = "skill"\nskill = "SQL"\n') == \
        "bad.toml: id: expected a string (required)"
    assert "requirements: expected a table" in bad(HEADER)

"""The built-in catalogue (pathways, offerings) and user additions kept in a real wallet."""

from __future__ import annotations

import pytest

from skillwallet import paths
from skillwallet.errors import AlreadyExistsError, InvalidInputError, InvalidPathwayError, NotFoundError
from skillwallet.skills.taxonomy import default_taxonomy
from skillwallet.stacking.catalog import Catalog, builtin_offerings, builtin_pathways, load_offerings_toml
from skillwallet.stacking.optimise import cheapest_completion
from skillwallet.store import Wallet

from .helpers import AS_OF

REQUIRED_GOALS = {"data-analyst", "data-scientist", "digital-marketer", "cloud-engineer", "ux-designer",
                  "project-manager", "cybersecurity-analyst", "software-developer", "it-support", "hr-specialist"}


def test_builtin_goals_are_grounded_in_occupations_and_use_known_skills():
    pathways = builtin_pathways()
    assert len(pathways) >= 12 and REQUIRED_GOALS <= set(pathways)
    taxonomy = default_taxonomy()
    for pathway in pathways.values():
        assert pathway.occupation.get("onet", "").count("-") == 1, pathway.id
        assert pathway.typical_credentials, pathway.id
        for node in pathway.requirements.values():
            for name in node.match.skills:
                assert taxonomy.normalise(name).known, (pathway.id, name)


def test_every_builtin_goal_can_be_completed_from_the_builtin_offerings():
    offerings = list(builtin_offerings().values())
    assert len(offerings) >= 50
    for pathway in builtin_pathways().values():
        plan = cheapest_completion(pathway, [], offerings, as_of=AS_OF)
        assert plan.feasible and plan.exact and plan.evaluation_after.status == "met", pathway.id


def test_unknown_goal_suggests_the_closest_ids():
    with pytest.raises(NotFoundError) as info:
        Catalog().get_pathway("data-analist")
    assert "did you mean: data-analyst" in info.value.hints[0]


USER_PATHWAY = 'id = "my-goal"\nname = "My goal"\n[requirements.root]\ntype = "skill"\nskill = "SQL"\n'


@pytest.fixture
def wallet(passphrase):
    w = Wallet.init(paths.wallet_home(), passphrase)
    yield w
    w.close()


def test_user_pathways_and_offerings_live_in_the_wallet(wallet):
    catalog = Catalog(wallet)
    catalog.add_pathway(USER_PATHWAY, "my.toml")
    assert catalog.get_pathway("my-goal").source == "my.toml"
    with pytest.raises(AlreadyExistsError):
        catalog.add_pathway(USER_PATHWAY, "my.toml")
    with pytest.raises(AlreadyExistsError):
        catalog.add_pathway(USER_PATHWAY.replace("my-goal", "data-analyst"), "shadow.toml")
    with pytest.raises(InvalidPathwayError):
        catalog.add_pathway(USER_PATHWAY.replace('"SQL"', ""), "bad.toml")
    assert wallet.items("pathways") == [("my-goal", {"toml": USER_PATHWAY, "source": "my.toml"})]
    with pytest.raises(InvalidPathwayError):
        catalog.remove_pathway("data-analyst")
    catalog.remove_pathway("my-goal")
    with pytest.raises(NotFoundError):
        catalog.remove_pathway("my-goal")

    catalog.add_offerings('[[offering]]\nid = "night-class"\nname = "Night class"\ncost = 10\nskills = ["SQL"]\n',
                          "mine.toml")
    assert catalog.offerings()["night-class"].cost == 10
    catalog.remove_offering("night-class")
    assert "night-class" not in catalog.offerings()


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[[offering]]\nname = 'x'\nskills = ['SQL']\n", "offering[0].id: expected a string (required)"),
        ("[[offering]]\nid = 'x'\nname = 'x'\ncost = -1\nskills = ['SQL']\n", "offering[0].cost: expected a number"),
        ("[[offering]]\nid = 'x'\nname = 'x'\n", "expected skills, achievement_id, credits, tags or renews"),
        ("offering = 3\n", "expected one or more [[offering]] tables"),
        ("[[offering]\n", "not valid TOML"),
    ],
)
def test_bad_offerings_are_rejected_with_the_key_path(text, fragment):
    with pytest.raises(InvalidInputError) as info:
        load_offerings_toml(text, "off.toml")
    assert info.value.message.startswith("off.toml") and fragment in info.value.message

"""The built-in catalogue (pathways, offerings) and user additions kept in a real wallet."""

from __future__ import annotations

from datetime import datetime, timezone

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


# a renewal route of the holder's own
RENEWAL = "[[offering]]\nid = 'pilot-revalidation'\nname = 'Revalidation'\nrenews = 'Harbour Pilot Licence'\n"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[[offering]]\nname = 'x'\nskills = ['SQL']\n", "offering[0].id: expected a string (required)"),
        ("[[offering]]\nid = 'x'\nname = 'x'\ncost = -1\nskills = ['SQL']\n", "offering[0].cost: expected a number"),
        ("[[offering]]\nid = 'x'\nname = 'x'\n", "expected skills, achievement_id, credits, tags or renews"),
        ("offering = 3\n", "expected one or more [[offering]] tables"),
        ("[[offering]\n", "not valid TOML"),
        # a renewal route's window: the one duration syntax, a string, at least a day, at most ten years
        (RENEWAL + "opens_before_expiry = 'six months'\n",
         "offering[0].opens_before_expiry: expected a duration such as \"6mo\", \"90d\" or \"1y\", got 'six months'"),
        (RENEWAL + "opens_before_expiry = '6m'\n", "got '6m': m could mean minutes or months (write mo for months)"),
        (RENEWAL + "opens_before_expiry = '6 fortnights'\n", "got '6 fortnights': unknown unit 'fortnights'"),
        (RENEWAL + "opens_before_expiry = 180\n", "(a string), got 180"),
        (RENEWAL + "opens_before_expiry = ''\n", "(a string), got ''"),
        (RENEWAL + "opens_before_expiry = '12h'\n", "offering[0].opens_before_expiry: expected at least a day"),
        (RENEWAL + "opens_before_expiry = '99999999y'\n", "expected at most ten years, got '99999999y'"),
        ("[[offering]]\nid = 'x'\nname = 'x'\nskills = ['SQL']\nopens_before_expiry = '6mo'\n",
         "offering[0].opens_before_expiry: only a renewal route has a window"),
    ],
)
def test_bad_offerings_are_rejected_with_the_key_path(text, fragment):
    with pytest.raises(InvalidInputError) as info:
        load_offerings_toml(text, "off.toml")
    assert info.value.message.startswith("off.toml") and fragment in info.value.message


def test_a_renewal_window_is_read_in_the_one_duration_syntax_and_kept_in_the_wallet(wallet):
    text = RENEWAL + 'opens_before_expiry = "1y6mo"\n'
    [route] = load_offerings_toml(text, "mine.toml")
    # months and years count back on the calendar, as issuers date the window: 18 months before 1 September 2027
    assert route.opens_before_expiry == "1y6mo" and route.to_dict()["opens_before_expiry"] == "1y6mo"
    assert route.renewal_opens(datetime(2027, 9, 1, tzinfo=timezone.utc)) == datetime(2026, 3, 1, tzinfo=timezone.utc)
    [days] = load_offerings_toml(RENEWAL + 'opens_before_expiry = "90"\n', "mine.toml")  # a bare number: days
    assert days.renewal_opens(datetime(2027, 9, 1, tzinfo=timezone.utc)) == datetime(2027, 6, 3, tzinfo=timezone.utc)
    [anytime] = load_offerings_toml(RENEWAL, "mine.toml")
    assert anytime.opens_before_expiry is None and anytime.renewal_opens(datetime(2027, 9, 1, tzinfo=timezone.utc)) is None
    catalog = Catalog(wallet)
    catalog.add_offerings(text, "mine.toml")
    assert catalog.offerings()["pilot-revalidation"].opens_before_expiry == "1y6mo"  # stored and read back

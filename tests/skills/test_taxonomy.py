"""The skills taxonomy: synonyms, codes and unknown skills normalise to one id."""

from __future__ import annotations

import pytest

from skillwallet.model import Skill
from skillwallet.skills.taxonomy import attribution_text, default_taxonomy, normalise

PYTHON_ESCO = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def test_python_free_text_and_esco_are_one_skill():
    refs = {
        normalise("Python programming"),
        normalise("Python 3"),
        normalise("Python (computer programming)"),
        normalise(None, framework="ESCO", code=PYTHON_ESCO),
        normalise("anything", framework="ESCO", code="ccd0a1d9-afda-43d9-b901-96344886e14d"),
    }
    assert len(refs) == 1
    (ref,) = refs
    assert ref.id == "sw:python" and ref.esco == PYTHON_ESCO and ref.known


def test_versions_and_qualifiers_are_stripped():
    assert normalise("Java SE 17").id == "sw:java"
    assert normalise("  JAVASCRIPT ").id == "sw:javascript"
    assert normalise("Microsoft Excel").id == "sw:excel"


def test_onet_element_ids_resolve():
    assert normalise(None, framework="O*NET", code="2.A.2.a").label == "Critical thinking"


def test_unknown_skills_still_match_each_other():
    a = normalise("Underwater basket weaving")
    b = normalise("underwater  basket weaving skills")
    assert not a.known and a.id == b.id


def test_taxonomy_is_a_few_hundred_skills_with_unique_codes():
    taxonomy = default_taxonomy()
    assert len(taxonomy.skills) >= 200
    escos = [r.esco for r in taxonomy.skills.values() if r.esco]
    assert len(escos) == len(set(escos)) and all(e.startswith("http://data.europa.eu/esco/skill/") for e in escos)


def test_model_skill_normalises_and_attribution_names_both_sources():
    assert default_taxonomy().normalise_skill(Skill(name="SQL queries")).id == "sw:sql"
    text = attribution_text()
    assert "ESCO" in text and "CC BY 4.0" in text and "European" in text


@pytest.mark.parametrize("name,skill_id", [
    ("Tableau Software", "sw:tableau"),
    ("Spreadsheet", "sw:excel"),
    ("Data visualizations", "sw:data-visualisation"),
    ("Statistic", "sw:statistics"),
    ("Data science", "sw:data-science"),
    ("Networking Fundamentals", "sw:networking"),
    ("Computer science", "sw:computer-science"),
    ("Science", "sw:science"),
])
def test_synonyms_and_plurals(name, skill_id):
    from skillwallet.skills.taxonomy import normalise

    assert normalise(name).id == skill_id


def test_onet_and_esco_codes_name_the_right_element():
    from skillwallet.skills.taxonomy import default_taxonomy

    taxonomy = default_taxonomy()
    # O*NET 2.B.1.f is the social skill Service Orientation; customer service is the knowledge 2.C.1.e
    assert taxonomy.lookup_code("2.B.1.f").label == "Service orientation"
    assert taxonomy.lookup_code("2.C.1.e").label == "Customer service"
    assert taxonomy.lookup_name("data analytics").esco.endswith("97bd1c21-66b2-4b7e-ad0f-e3cda590e378")

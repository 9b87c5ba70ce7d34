"""The skills taxonomy: synonyms, codes and unknown skills normalise to one id."""

from __future__ import annotations

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

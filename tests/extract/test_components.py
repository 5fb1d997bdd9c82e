"""Extraction as components per language: configurable lists, one signature, versions that follow the config."""

from __future__ import annotations

import pytest

from newsprism.extract import PIPELINES, VERSION, ExtractConfig, Extractor
from newsprism.extract.components import ArticleDoc, family
from newsprism.ingest.normalize import normalize
from newsprism.model import Extraction, RawRecord

ZH = "外交部发言人毛宁3月12日表示，事故造成14人受伤。"
ES = "«Estamos trabajando en ello», dijo la alcaldesa Ana Ruiz el 12 de marzo. El accidente dejó dos muertos."


def art(text: str, lang: str):
    return normalize(RawRecord(text=text, origin="t.jsonl", lang=lang, published="2026-03-12", title="Bridge"))


def test_each_language_takes_its_own_list():
    assert [family(x) for x in ("en", None, "zh-cn", "ja", "es", "ru", "tr")] == ["en", "en", "zh", "ja", "eu", "eu", "other"]
    x = Extractor()
    names = {lang: [c.name for c in x.components(lang)] for lang in ("zh", "ja", "es", "tr")}
    assert names == {"zh": list(PIPELINES["zh"]), "ja": list(PIPELINES["ja"]), "es": list(PIPELINES["eu"]), "tr": list(PIPELINES["other"])}


def test_a_pipeline_without_a_component_leaves_its_part_empty_and_changes_the_version():
    full = next(Extractor().run([art(ZH, "zh")]))
    assert full.quotes and full.times and full.quantities and full.version == VERSION
    config = ExtractConfig(pipelines={**PIPELINES, "zh": ("entities", "times", "figures", "outcomes")})
    lean = next(Extractor(config).run([art(ZH, "zh")]))
    assert lean.quotes == [] and lean.times == full.times and lean.quantities == full.quantities
    assert lean.version != full.version  # stored extractions of the other list are stale for this one


def test_every_component_has_one_signature_over_an_article_doc():
    x = Extractor()
    a = art(ES, "es")
    doc = ArticleDoc(a, None, Extraction(a.id))
    for component in x.components("es"):
        component(doc)  # each reads the doc and fills its part
    assert doc.extraction.quotes and doc.extraction.quantities


def test_an_unknown_component_is_named_in_the_error():
    config = ExtractConfig(pipelines={**PIPELINES, "zh": ("entities", "sentiment")})
    with pytest.raises(ValueError, match="sentiment"):
        list(Extractor(config).run([art(ZH, "zh")]))


def test_speed_settings_do_not_change_the_version():
    assert ExtractConfig(batch_size=4).version == ExtractConfig().version != ExtractConfig(tag_below=0.5).version
